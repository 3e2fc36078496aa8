/**
 * `npm run drill:report -w failover -- <summary.json> [--png <file>]`: renders the HTML report
 * again from a drill's JSON summary (written by `npm run drill`), beside it, and optionally a
 * 1200×800 screenshot of it with headless Chromium. Prints the paths; exits 2 on bad input.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { screenshot } from '@demo-app/app/testing/chromium';
import { type DrillSummary, renderReportHtml } from './html.js';

function parseSummary(file: string, text: string): DrillSummary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${file}: not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const v = value as Partial<DrillSummary> | null;
  if (v?.kind !== 'demo-app.drill-summary' || v.version !== 1 || !v.timeline) {
    throw new Error(`${file}: expected a drill summary (kind "demo-app.drill-summary", version 1)`);
  }
  return v as DrillSummary;
}

try {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { png: { type: 'string' } },
  });
  const [file] = positionals;
  if (positionals.length !== 1 || file === undefined) {
    throw new Error('usage: render.ts <summary.json> [--png <file>]');
  }
  const summary = parseSummary(file, await readFile(file, 'utf8'));
  const html = `${file.replace(/\.json$/, '')}.html`;
  await writeFile(html, renderReportHtml(summary));
  process.stdout.write(`drill: report ${html}\n`);
  if (values.png !== undefined) {
    const code = await screenshot(html, values.png);
    if (code !== 0) throw new Error(`chromium --screenshot exited ${code}`);
    process.stdout.write(`drill: screenshot ${values.png}\n`);
  }
} catch (error) {
  process.stderr.write(`drill report: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
