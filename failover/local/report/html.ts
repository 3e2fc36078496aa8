/**
 * The drill's JSON summary and its HTML report (pure): one self-contained page — inline CSS and
 * SVG, no script, and a Content-Security-Policy that forbids loading anything — with the verdict,
 * the goal table, the timeline and the drill's report lines.
 */
import type { DrillFigures, DrillReport } from '../drill-report.js';
import { type GoalCheck, goalChecks } from './goals.js';
import { esc, failoverView, renderTimelineSvg } from './svg.js';
import type { Timeline } from './timeline.js';

/** What `npm run drill` writes as JSON; the HTML report is rendered from exactly this. */
export interface DrillSummary {
  kind: 'demo-app.drill-summary';
  version: 1;
  /** ISO time the drill started. */
  startedAt: string;
  passed: boolean;
  figures: DrillFigures;
  goals: GoalCheck[];
  problems: string[];
  /** The report lines the drill printed, the figures line last. */
  lines: string[];
  timeline: Timeline;
}

/** Nothing may be loaded: inline styles only, no script, no image, font or connection. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'";

/** Pure: the summary of a drill from its report, its timeline and its figures line. */
export function drillSummary(
  report: DrillReport,
  timeline: Timeline,
  figuresLine: string,
): DrillSummary {
  return {
    kind: 'demo-app.drill-summary',
    version: 1,
    startedAt: new Date(timeline.startedAt).toISOString(),
    passed: report.problems.length === 0,
    figures: report.figures,
    goals: goalChecks(report),
    problems: [...report.problems],
    lines: [...report.lines, figuresLine],
    timeline,
  };
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d232b;background:#fff}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:14px;margin:10px 0 2px}
.verdict{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600;color:#fff}
.pass{background:#2e7d32}.fail{background:#c62828}
table{border-collapse:collapse;margin:12px 0}
td,th{border:1px solid #d0d4da;padding:3px 10px;text-align:left}
td.met{color:#2e7d32;font-weight:600}td.missed{color:#c62828;font-weight:600}
svg{max-width:100%;height:auto}
pre{background:#f5f7fa;padding:10px;overflow-x:auto;font-size:12px}
.muted{color:#5f6b7a}`;

function goalTable(goals: readonly GoalCheck[]): string {
  const rows = goals.map(
    (g) =>
      `<tr><td>${esc(g.goal)}</td><td>${esc(g.measured)}</td><td class="${g.met ? 'met' : 'missed'}">${g.met ? 'met' : 'missed'}</td></tr>`,
  );
  return `<table id="goals"><tr><th>goal</th><th>measured</th><th></th></tr>${rows.join('')}</table>`;
}

function phaseTable(tl: Timeline): string {
  const rows = tl.phases.map(
    (p) => `<tr><td>${esc(p.name)}</td><td>${p.from} s</td><td>${p.to} s</td></tr>`,
  );
  return `<table id="phases"><tr><th>phase</th><th>from</th><th>to</th></tr>${rows.join('')}</table>`;
}

/** The failover and failback up close, when the primary was killed. */
function zoomed(tl: Timeline): string {
  const view = failoverView(tl);
  if (view === null) return '';
  return `<h2>Failover and failback: ${view.from} s → end</h2>\n${renderTimelineSvg(tl, view)}`;
}

/** Pure: the self-contained HTML report of a drill summary. */
export function renderReportHtml(s: DrillSummary): string {
  const f = s.figures;
  const when = s.startedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  const verdict = s.passed
    ? '<span class="verdict pass">all goals met</span>'
    : `<span class="verdict fail">${s.problems.length} goal(s) missed</span>`;
  const problems = s.problems.length
    ? `<ul id="problems">${s.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>demo-app failover drill ${esc(when)}</title>
<style>${STYLE}</style></head>
<body>
<h1>Failover drill, ${esc(when)} ${verdict}</h1>
<p class="muted">Both regions run locally under client load through a Global Accelerator stand-in; faults phase
by phase, the primary killed, failback by command. ${f.totalRequests} requests, ${f.failedRequests} failed, ${s.timeline.durationS.toFixed(1)} s.</p>
${problems}
<h2>The whole drill</h2>
${renderTimelineSvg(s.timeline)}
${zoomed(s.timeline)}
${goalTable(s.goals)}
<details><summary>phases</summary>${phaseTable(s.timeline)}</details>
<details><summary>the drill's report lines</summary><pre id="lines">${esc(s.lines.join('\n'))}</pre></details>
</body></html>
`;
}
