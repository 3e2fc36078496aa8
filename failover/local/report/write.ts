/**
 * Writes a drill's JSON summary and, next to it, its HTML report (thin I/O over html.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type DrillSummary, renderReportHtml } from './html.js';

/** `drill-2026-12-06T16-15-21Z`: a file name from the drill's start, sortable, no colon. */
export function reportName(startedAt: string): string {
  return `drill-${startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}`;
}

/** Writes `<dir>/<name>.json` and `<dir>/<name>.html`; returns their absolute paths. */
export async function writeDrillReport(
  dir: string,
  summary: DrillSummary,
): Promise<{ json: string; html: string }> {
  const base = join(resolve(dir), reportName(summary.startedAt));
  await mkdir(resolve(dir), { recursive: true });
  const json = `${base}.json`;
  const html = `${base}.html`;
  await writeFile(json, `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(html, renderReportHtml(summary));
  return { json, html };
}
