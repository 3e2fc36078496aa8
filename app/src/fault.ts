/** Fault-injection settings (from FAULT_* configuration). */
export interface FaultConfig {
  errorRate: number;
  latencyMs: number;
  latencyRate: number;
}

/** What to do to one ordinary request. */
export interface FaultDecision {
  fail: boolean;
  extraLatencyMs: number;
}

/** A source of uniform random numbers in [0, 1); injectable so tests are deterministic. */
export type Random = () => number;

export const NO_FAULT: FaultDecision = Object.freeze({ fail: false, extraLatencyMs: 0 });

/**
 * Decides the fault for one request: fails with probability `errorRate`, and adds `latencyMs` with
 * probability `latencyRate`. Draws nothing when both faults are off (the common, fast case).
 */
export function decideFault(config: FaultConfig, random: Random): FaultDecision {
  const fail = config.errorRate > 0 && random() < config.errorRate;
  const delay = config.latencyMs > 0 && config.latencyRate > 0 && random() < config.latencyRate;
  if (!fail && !delay) return NO_FAULT;
  return { fail, extraLatencyMs: delay ? config.latencyMs : 0 };
}
