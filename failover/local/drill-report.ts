/**
 * The drill's report: what the drill observed (`Observed`), the figures and goal checks drawn from
 * it (drill-summary.ts, drill-resilience.ts), and the format of its figures line.
 */
import type { ControlResult } from '../src/kube.js';
import type { Policy } from '../src/policy.js';
import type { CapacityChange } from './local-cluster.js';
import type { Transition } from './local-env.js';

/** One client request: when it started and ended, whether it got a 200, which region answered. */
export interface Sample {
  at: number;
  done: number;
  ok: boolean;
  region: string;
}

/** Times (ms since epoch) at which the drill's phases began; null when not reached. */
export interface Marks {
  flapStart: number | null;
  flapEnd: number | null;
  nearMissEnd: number | null;
  partitionStart: number | null;
  partitionEnd: number | null;
  hangStart: number | null;
  hangEnd: number | null;
  corruptEnd: number | null;
  kill: number | null;
  restored: number | null;
  failbackCommand: number | null;
  end: number;
}

/** What the drill's phases found (drill-phases.ts). */
export interface Found {
  flapProbes: { requests: number; failed: number };
  nearMissProbes: { requests: number; failed: number };
  refusedWhileDown: ControlResult | null;
  failback: ControlResult | null;
  /** Alert Events seen during the partition; probe rounds the leader ran while GA hung. */
  partitionAlerts: number;
  hangRounds: number;
  /** DRUnconfirmed alerts while GA hung (the standby's probes failing, no witness). */
  hangAlerts: number;
  /** The corrupt-state phase: Warning Events seen, rejected request answered, state repaired. */
  corrupt: { stateEvent: boolean; requestRejected: boolean; repaired: boolean };
  /** The replica killed mid-failover, and in which mode it was. */
  killedLeader: { identity: string; mode: string; at: number } | null;
}

/** What the drill observed; `summarize` turns it into figures and goal checks. */
export interface Observed extends Found {
  policy: Policy;
  /** Probes per round (the primary URLs the controller probes). */
  probesPerRound: number;
  flapEvery: number;
  marks: Marks;
  samples: readonly Sample[];
  transitions: readonly Transition[];
  capacity: readonly CapacityChange[];
  splitBrainWrites: number;
  dials: { primary: number; standby: number };
  finalMode: string;
  drMode: string | undefined;
  errors: string[];
}

/** The figures of the last report line. */
export interface DrillFigures {
  detectS: number | null;
  trafficS: number | null;
  scaledS: number | null;
  failedRequests: number;
  totalRequests: number;
  falseFailovers: number;
  splitBrainWrites: number;
  partitionFailovers: number;
}

export interface DrillReport {
  figures: DrillFigures;
  flapping: { seconds: number; probes: number; failed: number; falseFailovers: number };
  nearMiss: { seconds: number; probes: number; failed: number; falseFailovers: number };
  failedOutsideDetection: number;
  failback: {
    refusedWhileDown: boolean;
    accepted: boolean;
    /** From the failback command until every request is answered by eu-central-1. */
    trafficS: number | null;
    /** From pinning traffic back to the primary until the standby's floor is lowered. */
    scaledDownS: number | null;
    failedRequests: number;
  };
  /** Report lines before the last one. */
  lines: string[];
  /** Goals missed or steps that did not happen; empty when the drill passed. */
  problems: string[];
}

/** The drill's time goals after the kill: detection and traffic on the standby, in seconds. */
export const GOALS = { detectS: 15, trafficS: 20 } as const;

export const secs = (ms: number) => ms / 1000;

/** Seconds with one decimal; NaN when there is no figure. */
export const fmt = (v: number | null) => (v === null ? 'NaN' : v.toFixed(1));

export function formatDrill(f: DrillFigures): string {
  return `drill: detect=${fmt(f.detectS)}s traffic=${fmt(f.trafficS)}s scaled=${fmt(f.scaledS)}s failed_requests=${f.failedRequests} total_requests=${f.totalRequests} false_failovers=${f.falseFailovers} split_brain_writes=${f.splitBrainWrites} partition_failovers=${f.partitionFailovers}`;
}
