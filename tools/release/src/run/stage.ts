import type { GitHubApi } from '../io/github.js';
import type { FailoverState } from '../train/failover.js';
import { STANDBY_REGION } from '../train/regions.js';
import { decideStage, type StageDecision } from '../train/stage.js';
import { readRegionPin, writeRegionPin } from './pins.js';
import { ISSUE_LABEL } from './report.js';

/**
 * The app-merge step: pin the pushed digest in the standby only, or — held or failed over — leave it
 * and ask for a decision in the release-train issue.
 */
export async function stage(
  github: GitHubApi | undefined,
  input: { repo: string; digest: string; failover: FailoverState; sourceSha: string },
): Promise<StageDecision> {
  const standby = await readRegionPin(input.repo, STANDBY_REGION);
  const decision = decideStage({
    standbyRegion: STANDBY_REGION,
    digest: input.digest,
    standby,
    failover: input.failover,
  });
  if (decision.kind === 'pin') {
    await writeRegionPin(input.repo, STANDBY_REGION, {
      digest: input.digest,
      rememberEarlier: true,
    });
  } else if (decision.kind === 'pause' && github !== undefined) {
    await github.report(
      ISSUE_LABEL,
      `Release train needs attention (${STANDBY_REGION})`,
      [
        `**Release train pause**: ${input.digest} (built from ${input.sourceSha}) was NOT pinned in ${STANDBY_REGION}.`,
        '',
        ...decision.reasons.map((r) => `- ${r}`),
        '',
        `To ship it anyway: \`release promote --region ${STANDBY_REGION} --digest ${input.digest}\` (README.md, "Deploying").`,
      ].join('\n'),
    );
  }
  return decision;
}
