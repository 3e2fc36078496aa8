/** Carries out the issue decisions (issues.ts) through an IssuePort: the thin effect. */
import { CliError } from '../errors.js';
import type { IssuePort } from '../github/issues.js';
import {
  DRIFT_LABEL,
  decideIssues,
  type IssueContext,
  type IssueDecisions,
  withinWriteBudget,
} from './issues.js';
import type { UnitDrift } from './state.js';

export interface SyncResult {
  decisions: IssueDecisions;
  /** Issue number of each unit whose issue was created. */
  created: Map<string, number>;
}

/**
 * Lists the open drift issues, decides, and acts. Every action is tried; the failures are
 * reported together afterwards (CliError 'tool'), so one refused call does not leave the others
 * undone.
 */
export async function syncIssues(
  port: IssuePort,
  results: readonly UnitDrift[],
  allUnits: ReadonlySet<string>,
  ctx: IssueContext,
  maxWrites = Number.POSITIVE_INFINITY,
): Promise<SyncResult> {
  const open = await port.openIssues(DRIFT_LABEL);
  const decisions = withinWriteBudget(decideIssues(results, allUnits, open, ctx), maxWrites);
  const created = new Map<string, number>();
  const failures: string[] = [];
  if (decisions.actions.some((a) => a.kind === 'create')) {
    await port.ensureLabel(
      DRIFT_LABEL,
      'd93f0b',
      'infra-ci drift: a unit whose live state differs from main',
    );
  }
  for (const a of decisions.actions) {
    try {
      if (a.kind === 'create')
        created.set(a.unit, await port.createIssue(a.title, a.body, DRIFT_LABEL));
      else if (a.kind === 'update') await port.updateIssue(a.number, a.body);
      else
        await port.closeIssue(
          a.number,
          a.comment,
          a.reason === 'duplicate' ? 'not_planned' : 'completed',
        );
    } catch (e) {
      failures.push(`${a.kind} ${a.unit}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (failures.length > 0) {
    throw new CliError(
      'tool',
      `drift issues: ${failures.length} action(s) failed:\n${failures.join('\n')}`,
    );
  }
  return { decisions, created };
}
