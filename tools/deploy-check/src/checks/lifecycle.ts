import { APP_CONTRACT, DEFAULT_GRACE_SECONDS } from '../app-contract.js';
import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get, isRecord, type Json, str } from '../object-access.js';
import { resolveEnv } from './env.js';
import { find } from './lookup.js';
import { join, type PodTemplate, podTemplates, selectorMatches } from './pods.js';

/** Long-running workloads: they serve, so they need probes; Jobs and bare Pods do not. */
const SERVING_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];
/** Workloads with several replicas the scheduler places: they must spread across zones. */
const REPLICATED_KINDS = ['Deployment', 'StatefulSet'];
export const ZONE_KEY = 'topology.kubernetes.io/zone';

/**
 * The workloads a Flagger Canary targets (they run the app and are held to its contract), each with
 * the port that Canary routes to: `spec.service.targetPort`, by name or number (Flagger defaults it
 * to `spec.service.port`).
 */
export function canaryTargets(objects: readonly RenderedObject[]): Map<RenderedObject, unknown[]> {
  const out = new Map<RenderedObject, unknown[]>();
  for (const canary of objects.filter((o) => o.kind === 'Canary')) {
    const kind = str(get(canary.object, 'spec', 'targetRef', 'kind')) ?? 'Deployment';
    const name = str(get(canary.object, 'spec', 'targetRef', 'name')) ?? '';
    const target = find(objects, kind, canary.namespace, name);
    if (target === undefined) continue;
    const port =
      get(canary.object, 'spec', 'service', 'targetPort') ??
      get(canary.object, 'spec', 'service', 'port');
    out.set(target, [...(out.get(target) ?? []), port]);
  }
  return out;
}

export interface AppContainer {
  readonly path: string;
  readonly container: Json;
  /** True for the container that serves the Canary's targetPort: the app, held to its contract. */
  readonly isApp: boolean;
}

/** Whether `container` has a port named or numbered `port`. */
function servesPort(container: Json, port: unknown): boolean {
  return arr(container.ports).some(
    (p) =>
      (typeof port === 'string' && get(p, 'name') === port) ||
      (typeof port === 'number' && get(p, 'containerPort') === port),
  );
}

/**
 * The containers of a pod template (not init containers), each marked `isApp` when it serves the
 * port a Canary routes to. A Canary without a port it can match (no service port, or a named port no
 * container has: canary-refs reports that) marks a lone container as the app. Other containers
 * (sidecars) are not the app: their endpoints and shutdown are their own business.
 */
export function appContainers(t: PodTemplate, ports: readonly unknown[] = []): AppContainer[] {
  const all = arr(t.spec.containers).flatMap((c, i) =>
    isRecord(c) ? [{ path: join(t.path, 'spec', `containers[${i}]`), container: c }] : [],
  );
  const serving = all.filter((c) => ports.some((p) => servesPort(c.container, p)));
  const apps = serving.length === 0 && ports.length > 0 && all.length === 1 ? all : serving;
  return all.map((c) => ({ ...c, isApp: apps.includes(c) }));
}

/**
 * Every container of a serving workload has a readiness and a liveness probe; the app container of a
 * Canary target (the one serving the Canary's targetPort) probes the app's own endpoints: readiness
 * `httpGet` on /readyz (it turns 503 while draining, which is what takes the pod out of the
 * endpoints), liveness on /healthz (never on /readyz: a draining pod must not be restarted). Pure.
 */
export function checkProbes(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  const targets = canaryTargets(objects);
  for (const t of podTemplates(objects)) {
    if (!SERVING_KINDS.includes(t.owner.kind)) continue;
    const ports = targets.get(t.owner) ?? [];
    const containers = appContainers(t, ports);
    if (ports.length > 0 && containers.length > 1 && !containers.some((c) => c.isApp)) {
      const named = ports.filter((p) => p !== undefined);
      // Without knowing the app container, its probe paths and shutdown budget would go unchecked.
      findings.push(
        findingFor(
          'probes',
          t.owner,
          join(t.path, 'spec', 'containers'),
          `${named.length > 0 ? `no container declares the Canary's port ${named.map((p) => JSON.stringify(p)).join(' or ')}` : 'the Canary names no service port'}, so deploy-check cannot tell which of the ${containers.length} containers is the app: declare the port in the app container's ports`,
        ),
      );
    }
    for (const { path, container, isApp } of containers) {
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
        if (!isApp) continue;
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

type Budget = { ms: number; text: string } | { error: string };

function millis(
  container: Json,
  setting: { variable: string; defaultMs: number },
  objects: readonly RenderedObject[],
  namespace: string,
): Budget {
  const env = resolveEnv(container, setting.variable, objects, namespace);
  const value = env?.value;
  if (env !== undefined && value === undefined) {
    return {
      error: `${setting.variable} ${env.source.startsWith('envFrom') ? 'could come' : 'comes'} from ${env.source}, which deploy-check cannot read`,
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

const SLEEP_BINARIES = ['sleep', '/bin/sleep', '/usr/bin/sleep'];
const SHELLS = ['sh', '/bin/sh', 'bash', '/bin/bash', '/usr/bin/bash'];
const UNIT_MS: Readonly<Record<string, number>> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000 };

/** `sleep` operands (coreutils/busybox: numbers with an s/m/h suffix, summed) in ms. */
function sleepArgsMs(args: readonly unknown[]): number | undefined {
  if (args.length === 0) return undefined;
  let total = 0;
  for (const a of args) {
    const m = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(String(a));
    if (m === null) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 1000);
  }
  return total;
}

/**
 * How long a container's preStop hook takes, which the grace period counts before SIGTERM:
 * `sleep.seconds`, or an `exec` that is a literal `sleep N` (`[sleep, N]` or `[sh, -c, "sleep N"]`).
 * Any other hook (httpGet, another command) takes an unknown time: `{ error }`. Pure.
 */
export function preStopMs(container: Json): Budget {
  const hook = get(container, 'lifecycle', 'preStop');
  if (!isRecord(hook)) return { ms: 0, text: '' };
  const seconds = get(hook, 'sleep', 'seconds');
  if (typeof seconds === 'number')
    return { ms: seconds * 1000, text: `preStop sleep ${seconds} s` };
  const command = arr(get(hook, 'exec', 'command')).map(String);
  const [bin = '', ...rest] = command;
  let ms: number | undefined;
  if (SLEEP_BINARIES.includes(bin)) ms = sleepArgsMs(rest);
  else if (SHELLS.includes(bin) && rest.length === 2 && rest[0] === '-c') {
    const m = /^\s*(?:exec\s+)?sleep((?:\s+\S+)+)\s*;?\s*$/.exec(rest[1] ?? '');
    if (m !== null) ms = sleepArgsMs((m[1] ?? '').trim().split(/\s+/));
  }
  if (ms !== undefined) {
    return { ms, text: `preStop exec ${JSON.stringify(command)} ${ms / 1000} s` };
  }
  const what =
    command.length > 0 ? `exec ${JSON.stringify(command)}` : Object.keys(hook).join(', ');
  return {
    error: `preStop ${what} takes an unknown time (only sleep.seconds or an exec of a literal sleep N is counted)`,
  };
}

/**
 * The pod's `terminationGracePeriodSeconds` (30 when unset) is larger than each container's shutdown
 * budget, which the grace period counts from the preStop hook on: for the app container of a Canary
 * target, its preStop hook (see preStopMs) + SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS as the container
 * sees them (see env.ts; else the app's defaults, app-contract.ts); a value deploy-check cannot know
 * makes the check report "cannot check". Other containers of a Canary target (sidecars) only have a
 * knowable budget when their preStop is a sleep: that must fit too. Workloads no Canary targets have no
 * such contract. Pure.
 */
export function checkShutdownBudget(objects: readonly RenderedObject[]): Finding[] {
  const findings: Finding[] = [];
  const targets = canaryTargets(objects);
  for (const t of podTemplates(objects)) {
    const ports = targets.get(t.owner);
    if (ports === undefined) continue;
    const field = join(t.path, 'spec', 'terminationGracePeriodSeconds');
    const raw = t.spec.terminationGracePeriodSeconds;
    const grace = typeof raw === 'number' ? raw : DEFAULT_GRACE_SECONDS;
    const graceText = typeof raw === 'number' ? `${grace} s` : `${grace} s (Kubernetes' default)`;
    for (const { container, isApp } of appContainers(t, ports)) {
      const ns = t.owner.namespace;
      const hook = preStopMs(container);
      const parts: Budget[] = isApp
        ? [
            millis(container, APP_CONTRACT.shutdownDelay, objects, ns),
            millis(container, APP_CONTRACT.shutdownTimeout, objects, ns),
            hook,
          ]
        : [hook];
      const bad = parts.flatMap((x) => ('error' in x ? [x.error] : []));
      if (bad.length > 0) {
        // A sidecar's budget is its own business unless it is knowable.
        if (isApp) {
          findings.push(
            findingFor('shutdown-budget', t.owner, field, `cannot check: ${bad.join('; ')}`),
          );
        }
        continue;
      }
      const known = parts.flatMap((x) => ('ms' in x && x.text !== '' ? [x] : []));
      const budget = known.reduce((sum, x) => sum + x.ms, 0);
      if (known.length > 0 && grace * 1000 <= budget) {
        const sidecar = isApp
          ? ''
          : " (not the Canary target port's container: only its preStop hook is known)";
        findings.push(
          findingFor(
            'shutdown-budget',
            t.owner,
            field,
            `${graceText} must be larger than container "${String(container.name)}"'s shutdown budget ${budget / 1000} s = ${known.map((x) => x.text).join(' + ')}${sidecar}`,
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
