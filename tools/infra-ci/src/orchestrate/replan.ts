/**
 * Re-plans at merge (issue #20). The PR's plan bundle is made by the PR's own code (a
 * pull_request run uses the PR's infra-pr.yml and its build of infra-ci), so the resource changes
 * it shows the reviewer are only as trustworthy as the PR. At merge every unit is planned again,
 * with main's code, and only a plan whose resource changes equal the reviewed ones is applied —
 * the fresh one, never the PR-made file.
 */
import path from 'node:path';
import { type Changes, sameResources, sha256File, slug } from '../plan/bundle.js';
import type { TerragruntRunner } from '../terragrunt/runner.js';
import type { Phase, UnitResult } from './apply-steps.js';
import type { WorkList } from './worklist.js';

/** A unit re-planned before anything is applied, and the phase it runs in. */
export interface Target {
  step: Phase['step'];
  unit: string;
}

/**
 * Units re-planned before any apply: every unit of the phases except those an exclude block
 * leaves out (nothing runs in them) and apply units with an upstream changed in the same PR (their
 * plan needs that upstream applied first: re-planned in their wave). Pure.
 */
export function upFrontTargets(phases: Phase[], work: WorkList): Target[] {
  return phases.flatMap(({ step, waves }) =>
    waves.flat().flatMap((unit) => {
      const byHand = (step === 'apply' ? work.byHand.apply : work.byHand.destroy).has(unit);
      const later = step === 'apply' && (work.upstreamChanged[unit] ?? []).length > 0;
      return byHand || later ? [] : [{ step, unit }];
    }),
  );
}

/** Where the plan made at merge for `unit` goes, in the scratch folder `replans`. */
export const freshPlanFile = (replans: string, unit: string): string =>
  path.join(replans, `${slug(unit)}.tfplan`);

/**
 * Plans `unit` in `cwd` (`-destroy` for a destroy), records the plan file's sha256 in `fresh` and
 * compares its resource changes with the reviewed ones: with their attributes (`attributes`),
 * except for a unit planned on the PR with mock or stale upstream outputs, whose values differ by
 * design (address + actions only).
 */
export async function replanUnit(
  runner: TerragruntRunner,
  c: { unit: string; cwd: string; destroy: boolean; replans: string; attributes: boolean },
  reviewed: Changes,
  fresh: Map<string, string>,
): Promise<Extract<UnitResult, { kind: 'differs' }> | { kind: 'same'; planFile: string }> {
  const planFile = freshPlanFile(c.replans, c.unit);
  await runner.plan({ unit: c.unit, cwd: c.cwd, out: planFile, destroy: c.destroy });
  const changes = await runner.show({ unit: c.unit, cwd: c.cwd, planFile });
  fresh.set(c.unit, await sha256File(planFile));
  if (!sameResources(changes.resources, reviewed.resources, c.attributes)) {
    return { kind: 'differs', fresh: changes, reviewed };
  }
  return { kind: 'same', planFile };
}
