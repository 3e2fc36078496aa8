import { APP_CONTRACT, DEFAULT_GRACE_SECONDS } from '../app-contract.js';
import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get, isRecord, str } from '../object-access.js';
import { resolveEnv } from './env.js';
import { find } from './lookup.js';
import { join, type PodTemplate, podTemplates, selectorMatches } from './pods.js';

/** Long-running workloads: they serve, so they need probes; Jobs and bare Pods do not. */
const SERVING_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];
/** Workloads with several replicas the scheduler places: they must spread across zones. */
const REPLICATED_KINDS = ['Deployment', 'StatefulSet'];
export const ZONE_KEY = 'topology.kubernetes.io/zone';

/** The workloads a Flagger Canary targets: they run the app and are held to its contract. */
function canaryTargets(objects: readonly RenderedObject[]): Set<RenderedObject> {
  const out = new Set<RenderedObject>();
  for (const canary of objects.filter((o) => o.kind === 'Canary')) {
    const kind = str(get(canary.object, 'spec', 'targetRef', 'kind')) ?? 'Deployment';
    const name = str(get(canary.object, 'spec', 'targetRef', 'name')) ?? '';
    const target = find(objects, kind, canary.namespace, name);
    if (target !== undefined) out.add(target);
  }
  return out;
}

function appContainers(t: PodTemplate) {
  return arr(t.spec.containers).flatMap((c, i) =>
    isRecord(c) ? [{ path: join(t.path, 'spec', `containers[${i}]`), container: c }] : [],
  );
}

/**
 * Every container of a serving workload has a readiness and a liveness probe; the containers of a
 * Canary target (the app) probe the app's own endpoints: readiness `httpGet` on /readyz (it turns 503
 * while draining, which is what takes the pod out of the endpoints), liveness on /healthz (never on
 * /readyz: a draining pod must not be restarted). Pure.
 */
export function checkProbes(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  const targets = canaryTargets(objects);
  for (const t of podTemplates(objects)) {
    if (!SERVING_KINDS.includes(t.owner.kind)) continue;
    for (const { path, container } of appContainers(t)) {
      const wanted = [
        ['readinessProbe', APP_CONTRACT.readinessPath],
        ['livenessProbe', APP_CONTRACT.livenessPath],
      ] as const;
      for (const [probe, appPath] of wanted) {
        const p = get(container, probe);
        if (!isRecord(p)) {
          findings.push(
            findingFor(
              'probes',
              t.owner,
              `${path}.${probe}`,
              'is missing: a serving container needs one',
            ),
          );
          continue;
        }
        if (!targets.has(t.owner)) continue;
        const got = get(p, 'httpGet', 'path');
        if (got !== appPath) {
          findings.push(
            findingFor(
              'probes',
              t.owner,
              `${path}.${probe}.httpGet.path`,
              `is ${got === undefined ? 'not set' : JSON.stringify(got)}; the app (a Canary target) serves ${probe === 'readinessProbe' ? 'readiness' : 'liveness'} on httpGet ${appPath}`,
            ),
          );
        }
      }
    }
  }
  return findings;
}

function millis(
  container: Record<string, unknown>,
  setting: { variable: string; defaultMs: number },
  objects: readonly RenderedObject[],
  namespace: string,
): { ms: number; text: string } | { error: string } {
  const env = resolveEnv(container, setting.variable, objects, namespace);
  const value = env?.value;
  if (env !== undefined && value === undefined) {
    return {
      error: `${setting.variable} comes from ${env.source}, which deploy-check cannot read`,
    };
  }
  if (value === undefined || value === '') {
    return {
      ms: setting.defaultMs,
      text: `${setting.variable} ${setting.defaultMs} (app default)`,
    };
  }
  const source = env?.source ?? '';
  if (!/^\d+$/.test(value)) {
    return { error: `${setting.variable} "${value}" (${source}) is not an integer of ms` };
  }
  return { ms: Number(value), text: `${setting.variable} ${value} (${source})` };
}

/**
 * The pod's `terminationGracePeriodSeconds` (30 when unset) is larger than the app's shutdown budget:
 * SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS as the container would see them (env, then envFrom
 * ConfigMaps, else the app's defaults, see app-contract.ts), plus a `preStop.sleep` if one is set
 * (the grace period counts the hook too). Only for Canary targets: other workloads have no such
 * contract. Pure.
 */
export function checkShutdownBudget(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  const targets = canaryTargets(objects);
  for (const t of podTemplates(objects)) {
    if (!targets.has(t.owner)) continue;
    const field = join(t.path, 'spec', 'terminationGracePeriodSeconds');
    const raw = t.spec.terminationGracePeriodSeconds;
    const grace = typeof raw === 'number' ? raw : DEFAULT_GRACE_SECONDS;
    const graceText = typeof raw === 'number' ? `${grace} s` : `${grace} s (Kubernetes' default)`;
    for (const { container } of appContainers(t)) {
      const ns = t.owner.namespace;
      const delay = millis(container, APP_CONTRACT.shutdownDelay, objects, ns);
      const timeout = millis(container, APP_CONTRACT.shutdownTimeout, objects, ns);
      const bad = [delay, timeout].flatMap((x) => ('error' in x ? [x.error] : []));
      if ('error' in delay || 'error' in timeout) {
        findings.push(
          findingFor('shutdown-budget', t.owner, field, `cannot check: ${bad.join('; ')}`),
        );
        continue;
      }
      const sleep = get(container, 'lifecycle', 'preStop', 'sleep', 'seconds');
      const hookMs = typeof sleep === 'number' ? sleep * 1000 : 0;
      const budget = delay.ms + timeout.ms + hookMs;
      if (grace * 1000 <= budget) {
        const hook = hookMs > 0 ? ` + preStop sleep ${sleep} s` : '';
        findings.push(
          findingFor(
            'shutdown-budget',
            t.owner,
            field,
            `${graceText} must be larger than container "${String(container.name)}"'s shutdown budget ${budget / 1000} s = ${delay.text} + ${timeout.text}${hook}`,
          ),
        );
      }
    }
  }
  return findings;
}

/**
 * Replicated workloads spread across availability zones: a `topologySpreadConstraints` entry with
 * topologyKey topology.kubernetes.io/zone whose labelSelector selects the workload's own pods (one
 * that selects nothing spreads nothing). Pure.
 */
export function checkZoneSpread(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const t of podTemplates(objects)) {
    if (!REPLICATED_KINDS.includes(t.owner.kind)) continue;
    const field = join(t.path, 'spec', 'topologySpreadConstraints');
    const constraints = arr(t.spec.topologySpreadConstraints);
    const zonal = constraints.filter((c) => get(c, 'topologyKey') === ZONE_KEY);
    if (zonal.length === 0) {
      const keys = constraints.map((c) => String(get(c, 'topologyKey')));
      findings.push(
        findingFor(
          'zone-spread',
          t.owner,
          field,
          `has no constraint with topologyKey ${ZONE_KEY}${keys.length > 0 ? ` (only ${keys.join(', ')})` : ''}: replicas could all land in one zone`,
        ),
      );
    } else if (!zonal.some((c) => selectorMatches(get(c, 'labelSelector'), t.labels))) {
      findings.push(
        findingFor(
          'zone-spread',
          t.owner,
          `${field}[${constraints.indexOf(zonal[0])}].labelSelector`,
          `does not select the pod template's labels ${JSON.stringify(t.labels)}, so it spreads nothing`,
        ),
      );
    }
  }
  return findings;
}
