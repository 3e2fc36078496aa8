/**
 * The drill's progress line (pure): one line per phase as the drill enters it — elapsed time,
 * requests so far, the leading controller's mode, and what the phase does.
 */

export interface Progress {
  phase: string;
  /** ms since the drill started (the client load began). */
  elapsedMs: number;
  requests: number;
  failed: number;
  mode: string;
  /** What the phase does, in a few words. */
  note: string;
}

/** Pure: e.g. `drill> +  68.1s near-misses    requests=5312 failed=0 mode=standby | 4 failed rounds, then one passes`. */
export function formatProgress(p: Progress): string {
  const elapsed = `${(p.elapsedMs / 1000).toFixed(1)}s`.padStart(7);
  return `drill> +${elapsed} ${p.phase.padEnd(14)} requests=${p.requests} failed=${p.failed} mode=${p.mode} | ${p.note}`;
}
