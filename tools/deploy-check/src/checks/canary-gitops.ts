import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get, str } from '../object-access.js';
import { find } from './lookup.js';

/** The release train's pin time on the Canary (deploy/apps/production, from release-pin). */
const PINNED_AT = 'release.demo-app.dev/pinned-at';

/** Seconds of a Go duration such as `1m`, `90s`, `1h30m`; undefined when unreadable. Pure. */
export function durationSeconds(d: string): number | undefined {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  let rest = d;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ms|h|m|s)/.exec(rest);
    if (m === null) return undefined;
    total += Number(m[1]) * (units[m[2] ?? ''] ?? 0);
    rest = rest.slice(m[0].length);
  }
  return d === '' ? undefined : total;
}

/**
 * How long one analysis of this Canary takes, in seconds: the pre-rollout tick, one tick per
 * traffic step up to maxWeight, then promoting and finalising (fluxcd/flagger
 * pkg/controller/scheduler.go advanceCanary); a rollback takes the pre-rollout tick plus
 * `threshold` failed checks. Pure.
 */
export function analysisSeconds(canary: unknown): number | undefined {
  const a = get(canary, 'spec', 'analysis');
  const interval = durationSeconds(str(get(a, 'interval')) ?? '');
  if (interval === undefined) return undefined;
  const max = Number(get(a, 'maxWeight') ?? 0);
  const step = Number(get(a, 'stepWeight') ?? 0);
  const weights = arr(get(a, 'stepWeights')).length;
  const iterations = Number(get(a, 'iterations') ?? 0);
  const steps = weights > 0 ? weights : step > 0 ? Math.ceil(max / step) : iterations;
  const threshold = Number(get(a, 'threshold') ?? 1);
  return interval * Math.max(1 + steps + 2, 1 + threshold);
}

/**
 * A Canary's life seen from Flux and from an empty region:
 * - the Flux Kustomization applying it waits (`wait: true`), reads it with healthCheckExprs (a
 *   `failed` expression for flagger.app Canary, kustomize-controller docs/spec/v1/kustomizations.md
 *   "Health check expressions"), and its `timeout` covers a whole analysis, else Flux would report a
 *   good release as failed;
 * - a pre-rollout warm-up (background `hey` at `<target>-canary`, lasting at least one analysis
 *   interval) gives the first check traffic in a region without users. Pure.
 */
export function checkCanaryGitOps(objects: readonly RenderedObject[]): Finding[] {
  const out: Finding[] = [];
  for (const c of objects.filter((o) => o.kind === 'Canary')) {
    const target = str(get(c.object, 'spec', 'targetRef', 'name')) ?? '';
    // A missing target is canary-refs' finding; the warm-up would only repeat it.
    if (find(objects, 'Deployment', c.namespace, target) !== undefined) out.push(...warmUp(c));
    if (c.appliedBy === undefined) continue;
    const [ns = '', name = ''] = c.appliedBy.split('/');
    const k = find(objects, 'Kustomization', ns, name);
    if (k === undefined) continue;
    const fail = (field: string, message: string) =>
      out.push(findingFor('canary-gitops', k, field, message));
    const spec = get(k.object, 'spec');
    if (get(spec, 'wait') !== true) {
      fail(
        'spec.wait',
        `must be true: it applies Canary ${c.namespace}/${c.name}, and only a waiting Kustomization reports a failed canary`,
      );
    }
    const expr = arr(get(spec, 'healthCheckExprs')).find(
      (e) =>
        (str(get(e, 'apiVersion')) ?? '').split('/')[0] === 'flagger.app' &&
        [undefined, 'Canary'].includes(str(get(e, 'kind'))),
    );
    const pinned = get(c.object, 'metadata', 'annotations', PINNED_AT);
    const inProgress = str(get(expr, 'inProgress')) ?? '';
    if (
      expr !== undefined &&
      pinned !== undefined &&
      !(inProgress.includes(`'${PINNED_AT}'`) && inProgress.includes('status.lastTransitionTime'))
    ) {
      fail(
        'spec.healthCheckExprs',
        `the Canary ${c.namespace}/${c.name} carries ${PINNED_AT}, but the \`inProgress\` expression does not compare status.lastTransitionTime with it: the previous release's verdict would count for the new pin (tools/release/docs/release-train.md, "An early success")`,
      );
    }
    if (str(get(expr, 'failed')) === undefined) {
      fail(
        'spec.healthCheckExprs',
        `has no entry for flagger.app Canary with a \`failed\` expression: a rolled-back Canary ${c.namespace}/${c.name} would not turn the Kustomization not-Ready`,
      );
    }
    const need = analysisSeconds(c.object);
    const timeout = durationSeconds(str(get(spec, 'timeout')) ?? '');
    if (need !== undefined && timeout !== undefined && timeout < need) {
      fail(
        'spec.timeout',
        `${timeout / 60} min is shorter than one analysis of Canary ${c.namespace}/${c.name} (about ${need / 60} min): Flux would report a good release as failed`,
      );
    }
  }
  return out;
}

function warmUp(c: RenderedObject): Finding[] {
  const target = str(get(c.object, 'spec', 'targetRef', 'name')) ?? '';
  const interval = durationSeconds(str(get(c.object, 'spec', 'analysis', 'interval')) ?? '') ?? 60;
  const ok = arr(get(c.object, 'spec', 'analysis', 'webhooks')).some((w) => {
    const cmd = str(get(w, 'metadata', 'cmd')) ?? '';
    const type = str(get(w, 'metadata', 'type')) ?? 'cmd';
    const z = /(?:^|\s)-z\s+(\S+)/.exec(cmd)?.[1];
    return (
      get(w, 'type') === 'pre-rollout' &&
      type === 'cmd' &&
      cmd.startsWith('hey ') &&
      cmd.includes(`//${target}-canary.${c.namespace}`) &&
      (durationSeconds(z ?? '') ?? 0) >= interval
    );
  });
  return ok
    ? []
    : [
        findingFor(
          'canary-gitops',
          c,
          'spec.analysis.webhooks',
          `has no warm-up: a pre-rollout background load (metadata.cmd "hey -z <at least ${interval}s> … http://${target}-canary.${c.namespace}/", type cmd) so that the first check has traffic in a region without users (else "no values" fails a good release)`,
        ),
      ];
}
