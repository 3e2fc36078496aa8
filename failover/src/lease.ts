/**
 * Leader election over a coordination.k8s.io Lease, decided by a pure function the way client-go's
 * leaderelection package does (tools/leaderelection/leaderelection.go, tryAcquireOrRenew): a Lease
 * held by someone else is expired only when its record has not CHANGED for leaseDuration as
 * measured by OUR monotonic clock since WE observed that record. renewTime is never compared with
 * our wall clock, so a replica whose clock runs 20 s ahead cannot take a live Lease.
 *
 * Fencing: the leader counts as leader only until renewDeadline after the start of its last
 * successful renewal (renewDeadline < leaseDuration). A contender can take over no earlier than
 * leaseDuration after it saw that renewal, which is later than the old leader stops writing.
 */

/** The Lease as the API server stores it (the fields election needs). */
export interface LeaseRecord {
  holder: string | null;
  durationSeconds: number;
  renewTime: string | null;
  acquireTime: string | null;
  transitions: number;
  /** metadata.resourceVersion: the precondition of the next write. */
  version: string;
}

/** When (our monotonic ms) we first saw the record in its current form. */
export interface Observation {
  key: string;
  at: number;
}

export type LeaseDecision =
  | { kind: 'renew' }
  | { kind: 'acquire'; transitions: number }
  | { kind: 'follow'; holder: string; expiresInMs: number };

/** The part of a record whose change proves the holder is alive. */
export function recordKey(r: LeaseRecord): string {
  return JSON.stringify([r.holder, r.renewTime, r.acquireTime, r.transitions, r.durationSeconds]);
}

/**
 * Pure: what `identity` should do with `record` at monotonic time `now`, given what it observed
 * before. Returns the new observation (unchanged record → unchanged observation time).
 */
export function judgeLease(
  record: LeaseRecord,
  previous: Observation | null,
  identity: string,
  now: number,
): { observation: Observation; decision: LeaseDecision } {
  const key = recordKey(record);
  const observation = previous?.key === key ? previous : { key, at: now };
  const holder = record.holder ?? '';
  if (holder === identity) return { observation, decision: { kind: 'renew' } };
  const expiresAt = observation.at + record.durationSeconds * 1000;
  if (holder !== '' && now < expiresAt) {
    return { observation, decision: { kind: 'follow', holder, expiresInMs: expiresAt - now } };
  }
  return { observation, decision: { kind: 'acquire', transitions: record.transitions + 1 } };
}

/** Pure: whether leadership is still provable at `now` (monotonic ms). */
export function stillLeading(
  lastRenewStartedAt: number | null,
  renewDeadlineMs: number,
  now: number,
): boolean {
  return lastRenewStartedAt !== null && now < lastRenewStartedAt + renewDeadlineMs;
}
