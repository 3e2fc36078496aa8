/**
 * Thresholds for detection, failover and failback. All durations are milliseconds.
 * Defaults (see README): interval 2 s, 3 probes per round, a round fails when 3 of them fail,
 * 5 consecutive failed rounds within 15 s trigger a failover: detection in ~10 s (≤ 15 s), and a
 * primary that fails 1 probe in 3 never produces a failed round.
 */
export interface Policy {
  /** Time between probe rounds. */
  intervalMs: number;
  /** A round fails when at least this many probes fail, and is healthy when at least this many pass. */
  probeQuorum: number;
  /** Consecutive failed rounds needed to fail over. */
  failedRounds: number;
  /** The failed rounds must all fall within this window. */
  windowMs: number;
  /** Replica floor for the standby when failed over (HPA minReplicas). */
  failedOverMinReplicas: number;
  /** Replica floor for the standby in standby mode. */
  standbyMinReplicas: number;
  /** How long to wait for the standby Deployment to be ready before pinning traffic anyway. */
  waitReadyTimeoutMs: number;
  /** The primary must have been healthy for this long before a failback is accepted. */
  failbackHealthyMs: number;
  /** After traffic is pinned back to the primary, keep standby capacity this long. */
  failbackCooldownMs: number;
  /** First retry delay of a failed step; doubles per attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const defaultPolicy: Policy = {
  intervalMs: 2000,
  probeQuorum: 3,
  failedRounds: 5,
  windowMs: 15_000,
  failedOverMinReplicas: 3,
  standbyMinReplicas: 1,
  waitReadyTimeoutMs: 300_000,
  failbackHealthyMs: 600_000,
  failbackCooldownMs: 300_000,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
};
