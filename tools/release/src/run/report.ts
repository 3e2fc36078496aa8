import type { GitHubApi } from '../io/github.js';
import type { Decision } from '../train/decide.js';
import { PRIMARY_REGION, STANDBY_REGION } from '../train/regions.js';

/** Label of the one open issue the train comments on (it opens one when none is open). */
export const ISSUE_LABEL = 'release-train';
/** Context of the statuses the train posts: distinct from Flux's, so they never trigger it. */
export const TRAIN_CONTEXT = `release-train/${PRIMARY_REGION}`;

const STATE = { stop: 'failure', reject: 'error', pause: 'pending' } as const;
const WHAT = {
  stop: `the release failed in ${STANDBY_REGION}; the train stopped and ${PRIMARY_REGION} keeps its release`,
  reject: 'a signal did not verify; nothing was changed',
  pause: `${STANDBY_REGION} passed, but a manual decision is needed before ${PRIMARY_REGION} gets it`,
} as const;

/** Makes a stop, reject or pause visible on the commit and in the release-train issue. */
export async function reportOutcome(
  github: GitHubApi,
  sha: string,
  decision: Extract<Decision, { kind: 'stop' | 'reject' | 'pause' }>,
): Promise<number> {
  const digest = 'digest' in decision ? decision.digest : undefined;
  await github.createStatus(sha, {
    state: STATE[decision.kind],
    context: TRAIN_CONTEXT,
    description: `${decision.kind}: ${decision.reasons[0] ?? ''}`,
  });
  const body = [
    `**Release train ${decision.kind}** at commit ${sha}${digest === undefined ? '' : ` (${digest})`}: ${WHAT[decision.kind]}.`,
    '',
    ...decision.reasons.map((r) => `- ${r}`),
    '',
    'Runbook: README.md, section "Deploying" (release hold / release promote).',
  ].join('\n');
  return github.report(ISSUE_LABEL, `Release train needs attention (${PRIMARY_REGION})`, body);
}
