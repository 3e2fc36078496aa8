import { arr, get, str } from '../object-access.js';
import { IMAGE_REPOSITORY } from './gitops.js';

/** Pure readings of `kubectl get -o json` output, and the verdict on a release. */

export function canaryPhase(canary: unknown): string | undefined {
  return str(get(canary, 'status', 'phase'));
}

export function containerImage(deployment: unknown, container: string): string | undefined {
  const c = arr(get(deployment, 'spec', 'template', 'spec', 'containers')).find(
    (x) => get(x, 'name') === container,
  );
  return str(get(c, 'image'));
}

export interface Condition {
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export function readyCondition(obj: unknown): Condition | undefined {
  const c = arr(get(obj, 'status', 'conditions')).find((x) => get(x, 'type') === 'Ready');
  if (c === undefined) return undefined;
  return {
    status: str(get(c, 'status')) ?? '',
    reason: str(get(c, 'reason')) ?? '',
    message: str(get(c, 'message')) ?? '',
  };
}

export interface Observed {
  readonly canary: unknown;
  /** demo-app-primary, the Deployment Flagger serves from; undefined before Flagger creates it. */
  readonly primary: unknown;
  /** The `apps` Flux Kustomization. */
  readonly apps: unknown;
}

export type Verdict =
  | { readonly state: 'waiting'; readonly detail: string }
  | { readonly state: 'passed'; readonly detail: string }
  | { readonly state: 'failed'; readonly detail: string };

const image = (tag: string) => `${IMAGE_REPOSITORY}:${tag}`;

/**
 * Whether a release reached what it must: `initialized` (first deploy: Canary Initialized, primary
 * runs the tag, apps Ready), `promoted` (Canary Succeeded and primary runs the new tag, apps Ready),
 * `rolled-back` (Canary Failed, primary still runs `previousTag`, and Flux reports it: apps
 * Ready=False naming the Canary). Pure.
 */
export function releaseVerdict(
  expect: 'initialized' | 'promoted' | 'rolled-back',
  tag: string,
  previousTag: string,
  o: Observed,
): Verdict {
  const phase = canaryPhase(o.canary) ?? '(none)';
  const primaryImage = containerImage(o.primary, 'demo-app') ?? '(no demo-app-primary)';
  const apps = readyCondition(o.apps);
  const now = `Canary phase ${phase}, demo-app-primary runs ${primaryImage}, apps Ready=${apps?.status ?? '?'} ${apps?.reason ?? ''}`;
  if (expect === 'rolled-back') {
    if (phase === 'Succeeded' && primaryImage === image(tag))
      return { state: 'failed', detail: `the bad release was promoted: ${now}` };
    if (phase !== 'Failed') return { state: 'waiting', detail: now };
    if (primaryImage !== image(previousTag))
      return {
        state: 'failed',
        detail: `rolled back but the primary does not run ${image(previousTag)}: ${now}`,
      };
    if (apps?.status === 'False' && /Canary/.test(apps.message))
      return { state: 'passed', detail: `${now}: ${apps.message}` };
    return { state: 'waiting', detail: `${now} (waiting for Flux to report the failed Canary)` };
  }
  if (phase === 'Failed') return { state: 'failed', detail: `the release was rolled back: ${now}` };
  const want = expect === 'initialized' ? ['Initialized', 'Succeeded'] : ['Succeeded'];
  if (want.includes(phase) && primaryImage === image(tag) && apps?.status === 'True')
    return { state: 'passed', detail: now };
  return { state: 'waiting', detail: now };
}

/** The IPv4 gateway of a docker network (`docker network inspect kind`): how kind nodes reach the host. */
export function dockerNetworkGateway(inspect: unknown): string | undefined {
  const configs = arr(get(arr(inspect)[0], 'IPAM', 'Config'));
  return configs
    .map((c) => str(get(c, 'Gateway')))
    .find((g) => g !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(g));
}
