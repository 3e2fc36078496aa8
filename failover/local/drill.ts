/**
 * `npm run drill`: the scripted drill with the default detection thresholds and a 60 s flapping
 * phase, a 60 s one-sided partition, a 20 s hang of GA's describe call, a corrupt state value, and
 * the leader killed mid-failover (two replicas, 15 s Lease). The failback waits are shortened (primary healthy 20 s, cool-down 10 s instead of the
 * production 10 min / 5 min) so the drill takes ~5 min. Prints one line per phase as it happens,
 * then the report lines and the figures line; the last line is the path of the HTML report and of
 * the JSON summary beside it (failover/drill-reports/). Exits 1 when a goal is missed.
 */
import { fileURLToPath } from 'node:url';
import { defaultPolicy } from '../src/policy.js';
import { drillSummary } from './report/html.js';
import { writeDrillReport } from './report/write.js';
import { formatDrill, runDrill } from './run-drill.js';

const reportDir = fileURLToPath(new URL('../drill-reports/', import.meta.url));

// Ctrl-C or a kill ends the drill early; its finally block stops every process it started.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
process.once('SIGTERM', () => interrupt.abort());
const report = await runDrill({
  signal: interrupt.signal,
  policy: { ...defaultPolicy, failbackHealthyMs: 20_000, failbackCooldownMs: 10_000 },
  baselineMs: 8000,
  flappingMs: 60_000,
  partitionMs: 60_000,
  hangMs: 20_000,
  timeoutMs: 480_000,
  progress: (line) => process.stdout.write(`${line}\n`),
});
const figures = formatDrill(report.figures);
const summary = drillSummary(report, report.timeline, figures);
const written = await writeDrillReport(reportDir, summary).then(
  (files) => ({ ok: true, line: `drill: report ${files.html} (summary ${files.json})` }),
  (error: unknown) => ({
    ok: false,
    line: `drill: REPORT NOT WRITTEN to ${reportDir}: ${error instanceof Error ? error.message : String(error)}`,
  }),
);
process.stdout.write(`${[...report.lines, figures, written.line].join('\n')}\n`);
process.exitCode = report.problems.length > 0 || !written.ok ? 1 : 0;
