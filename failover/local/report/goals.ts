/**
 * The drill's goals as a table (pure): each goal, the figure measured, and whether it was met —
 * the same thresholds summarize() checks (drill-summary.ts, GOALS in drill-report.ts).
 */
import { type DrillReport, fmt, GOALS } from '../drill-report.js';

export interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean;
}

const atMost = (v: number | null, limit: number) => v !== null && v <= limit;

/** Pure: the goal table of a drill report. */
export function goalChecks(
  r: Pick<DrillReport, 'figures' | 'failedOutsideDetection'>,
): GoalCheck[] {
  const f = r.figures;
  const zero = (goal: string, n: number): GoalCheck => ({ goal, measured: `${n}`, met: n === 0 });
  return [
    {
      goal: `detect ≤ ${GOALS.detectS} s after the kill`,
      measured: `${fmt(f.detectS)} s`,
      met: atMost(f.detectS, GOALS.detectS),
    },
    {
      goal: `traffic on the standby ≤ ${GOALS.trafficS} s after the kill`,
      measured: `${fmt(f.trafficS)} s`,
      met: atMost(f.trafficS, GOALS.trafficS),
    },
    zero('failed requests outside the detection window = 0', r.failedOutsideDetection),
    zero('false failovers = 0', f.falseFailovers),
    zero('split-brain writes = 0', f.splitBrainWrites),
    zero('failovers during the one-sided partition = 0', f.partitionFailovers),
  ];
}
