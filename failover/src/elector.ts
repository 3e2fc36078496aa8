import { FailoverError } from './errors.js';
import { judgeLease, type LeaseRecord, type Observation, stillLeading } from './lease.js';

/** The Lease calls the elector needs (KubeAdapter implements them; tests use an in-memory one). */
export interface LeaseApi {
  readLease(signal: AbortSignal): Promise<LeaseRecord | null>;
  /** Creates the Lease; false when it already exists (409). */
  createLease(spec: LeaseSpecWrite, signal: AbortSignal): Promise<boolean>;
  /** Replaces the Lease if its resourceVersion is still `version`; false on 409. */
  replaceLease(spec: LeaseSpecWrite, version: string, signal: AbortSignal): Promise<boolean>;
}

export interface LeaseSpecWrite {
  holder: string;
  durationSeconds: number;
  renewTime: string;
  acquireTime: string | null;
  transitions: number;
}

export interface ElectorOptions {
  lease: LeaseApi;
  identity: string;
  leaseDurationMs: number;
  /** < leaseDurationMs: the leader stops acting this long after its last renewal began. */
  renewDeadlineMs: number;
  /** Monotonic clock (performance.now in production): judges expiry and the fence. */
  monotonic: () => number;
  /** Wall clock: only written into renewTime/acquireTime for humans; never compared. */
  wall: () => Date;
}

/** client-go's micro-time format (RFC 3339 with microseconds). */
const microTime = (d: Date) => d.toISOString().replace('Z', '000Z');

/**
 * Leader election + fence. `tryAcquireOrRenew` is called every retry period; `guard()` is called
 * before every write and hands out a signal that aborts when leadership can no longer be proven.
 */
export class LeaderElector {
  private observation: Observation | null = null;
  private lastRenewStartedAt: number | null = null;
  private term = 0;
  private fenceTimer: NodeJS.Timeout | undefined;
  private fence = new AbortController();
  private stopped = false;

  constructor(private readonly o: ElectorOptions) {
    if (o.renewDeadlineMs >= o.leaseDurationMs) {
      throw new FailoverError('CONFIG', 'renew deadline must be shorter than the lease duration');
    }
  }

  /** Increments each time this replica (re)gains leadership; a change means: re-read the state. */
  get epoch(): number {
    return this.term;
  }

  leading(): boolean {
    return stillLeading(this.lastRenewStartedAt, this.o.renewDeadlineMs, this.o.monotonic());
  }

  /** Throws FENCED unless leadership is provable; the returned signal aborts when it lapses. */
  guard(): AbortSignal {
    if (!this.leading() || this.fence.signal.aborted) {
      throw new FailoverError('FENCED', `${this.o.identity} cannot prove it holds the Lease`);
    }
    return this.fence.signal;
  }

  /** One election round. Returns whether this replica leads afterwards. */
  async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    if (this.stopped) return false;
    const started = this.o.monotonic();
    const stamp = microTime(this.o.wall());
    const durationSeconds = Math.ceil(this.o.leaseDurationMs / 1000);
    let ok = false;
    try {
      const record = await this.o.lease.readLease(signal);
      if (record === null) {
        ok = await this.o.lease.createLease(
          {
            holder: this.o.identity,
            durationSeconds,
            renewTime: stamp,
            acquireTime: stamp,
            transitions: 0,
          },
          signal,
        );
      } else {
        const { observation, decision } = judgeLease(
          record,
          this.observation,
          this.o.identity,
          started,
        );
        this.observation = observation;
        if (decision.kind !== 'follow') {
          const acquiring = decision.kind === 'acquire';
          ok = await this.o.lease.replaceLease(
            {
              holder: this.o.identity,
              durationSeconds,
              renewTime: stamp,
              acquireTime: acquiring ? stamp : record.acquireTime,
              transitions: acquiring ? decision.transitions : record.transitions,
            },
            record.version,
            signal,
          );
        }
      }
    } catch {
      ok = false;
    }
    if (ok && !this.stopped) this.renewed(started);
    else if (!this.leading()) this.lapse();
    return this.leading();
  }

  /**
   * Gives the Lease up (SIGTERM), so the other replica need not wait for it to expire: stops
   * acting first, then clears the holder only if the record still names us (resourceVersion
   * precondition, so a Lease someone else took meanwhile is left alone).
   */
  async release(signal: AbortSignal): Promise<void> {
    this.stop();
    const record = await this.o.lease.readLease(signal);
    if (record?.holder !== this.o.identity) return;
    await this.o.lease.replaceLease(
      {
        holder: '',
        durationSeconds: 1,
        renewTime: microTime(this.o.wall()),
        acquireTime: record.acquireTime,
        transitions: record.transitions,
      },
      record.version,
      signal,
    );
  }

  /** Stops acting at once (the fence aborts in-flight writes) and never renews again. */
  stop(): void {
    this.stopped = true;
    this.lapse();
  }

  private renewed(startedAt: number): void {
    if (this.lastRenewStartedAt === null || this.fence.signal.aborted) {
      this.term += 1;
      this.fence = new AbortController();
    }
    this.lastRenewStartedAt = startedAt;
    this.observation = null;
    clearTimeout(this.fenceTimer);
    const left = startedAt + this.o.renewDeadlineMs - this.o.monotonic();
    this.fenceTimer = setTimeout(() => this.lapse(), Math.max(0, left));
    this.fenceTimer.unref?.();
  }

  private lapse(): void {
    clearTimeout(this.fenceTimer);
    this.lastRenewStartedAt = null;
    if (!this.fence.signal.aborted) {
      this.fence.abort(new FailoverError('FENCED', `${this.o.identity} lost the Lease`));
    }
  }
}
