import type { Controller } from './controller.js';
import type { LeaderElector } from './elector.js';
import { callSignal, describeError, sleep } from './errors.js';
import type { LoopHealth } from './metrics.js';

export interface ReplicaOptions {
  controller: Controller;
  elector: LeaderElector;
  /** Time between cycles, and between election rounds (client-go's retryPeriod). */
  intervalMs: number;
  retryPeriodMs: number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  now?: () => number;
}

export interface Replica {
  health(): LoopHealth;
  /** Ends both loops; `release` gives the Lease up (SIGTERM) instead of letting it expire. */
  stop(opts: { release: boolean }): Promise<void>;
}

/**
 * One controller replica: the election loop (renews every retry period, independent of how long a
 * cycle takes, so a slow cycle cannot starve renewals) and the cycle loop, each with deadlines.
 */
export function startReplica(o: ReplicaOptions): Replica {
  const now = o.now ?? Date.now;
  const health: LoopHealth = { lastSuccessAt: now(), consecutiveFailures: 0, lastError: null };
  const stopping = new AbortController();
  const elect = (async () => {
    while (!stopping.signal.aborted) {
      const started = now();
      await o.elector.tryAcquireOrRenew(callSignal(stopping.signal, o.retryPeriodMs));
      await sleep(Math.max(0, o.retryPeriodMs - (now() - started)), stopping.signal).catch(
        () => {},
      );
    }
  })();
  const cycles = (async () => {
    while (!stopping.signal.aborted) {
      const started = now();
      try {
        await o.controller.cycle();
        health.lastSuccessAt = now();
        health.consecutiveFailures = 0;
        health.lastError = null;
      } catch (error) {
        health.consecutiveFailures += 1;
        health.lastError = describeError(error);
        o.log.warn({ err: health.lastError }, 'cycle failed; retrying next interval');
      }
      await sleep(Math.max(0, o.intervalMs - (now() - started)), stopping.signal).catch(() => {});
    }
  })();
  return {
    health: () => ({ ...health }),
    stop: async ({ release }) => {
      stopping.abort();
      // Stop acting first: the fence aborts in-flight writes, so the running cycle ends quickly;
      // bounded anyway, to release within the pod's termination grace period.
      o.elector.stop();
      await Promise.race([Promise.all([elect, cycles]), sleep(3000)]);
      if (release) {
        await o.elector.release(AbortSignal.timeout(2000)).catch((error: unknown) => {
          o.log.warn({ err: describeError(error) }, 'could not release the Lease');
        });
      }
      o.elector.stop();
    },
  };
}
