import { distance } from 'fastest-levenshtein';
import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get, isRecord, type Json, str } from '../object-access.js';
import { resolveEnv } from './env.js';
import { appContainers, canaryTargets } from './lifecycle.js';
import { find } from './lookup.js';
import { podTemplates } from './pods.js';

/** The app's own configuration parser (`@demo-app/app/config`, loaded by io/app-config.ts). */
export interface AppConfigParser {
  /** The app's message when it would refuse `env` at start (exit 1); undefined when it starts. */
  refuse(env: Readonly<Record<string, string>>): string | undefined;
  /** Every variable the app reads. */
  readonly variables: readonly string[];
}

/** Variables read by the runtime or a library, not by the app's parser: never "unknown". */
const OTHER_READERS = ['NODE_', 'OTEL_', 'UV_'];

/**
 * The ConfigMap key `name` comes from in `container` when its value is `ConfigMap cmName`: the
 * `configMapKeyRef` key of an `env` entry, else the name less an `envFrom` prefix.
 */
function keyOf(container: Json, name: string, cmName: string): string {
  for (const e of arr(container.env)) {
    const ref = get(e, 'valueFrom', 'configMapKeyRef');
    if (get(e, 'name') === name && str(get(ref, 'name')) === cmName)
      return str(get(ref, 'key')) ?? name;
  }
  for (const from of arr(container.envFrom)) {
    const prefix = str(get(from, 'prefix')) ?? '';
    if (str(get(from, 'configMapRef', 'name')) === cmName && name.startsWith(prefix)) {
      return name.slice(prefix.length);
    }
  }
  return name;
}

/**
 * The app container of every Canary target runs the app, so what it receives must pass the app's
 * own configuration parser (app/src/config.ts), or the pod crash-loops at start:
 * - each variable the app reads, with the value the container would see (env.ts: envFrom, then env
 *   on top; unknowable values such as the downward API are skipped), is parsed alone; a refusal is
 *   a finding on the ConfigMap key (`data.KEY`) or the `env` entry it comes from, with the parser's
 *   message;
 * - the values together are parsed once more (a rule across variables), reported on the workload;
 * - a key of a ConfigMap the container takes whole (`envFrom`) that the app does not read is a
 *   finding: a misspelt setting is ignored without a word at start. `NODE_*`, `OTEL_*` and `UV_*`
 *   are read by Node and the OpenTelemetry SDK.
 * Pure: the parser is passed in.
 */
export function checkAppConfig(
  objects: readonly RenderedObject[],
  parser: AppConfigParser,
): Finding[] {
  const findings: Finding[] = [];
  const targets = canaryTargets(objects);
  for (const t of podTemplates(objects)) {
    const ports = targets.get(t.owner);
    if (ports === undefined) continue;
    const ns = t.owner.namespace;
    for (const { path, container, isApp } of appContainers(t, ports)) {
      if (!isApp) continue;
      const who = `the app (container "${String(container.name)}" of ${t.owner.kind} ${t.owner.name})`;
      findings.push(...unknownKeys(container, objects, ns, parser, who));
      const seen: Record<string, string> = {};
      let refusedOne = false;
      for (const name of parser.variables) {
        const env = resolveEnv(container, name, objects, ns);
        if (env?.value === undefined) continue;
        seen[name] = env.value;
        const message = parser.refuse({ [name]: env.value });
        if (message === undefined) continue;
        refusedOne = true;
        const text = `${who} would refuse to start: ${message}`;
        const cm = env.source.startsWith('ConfigMap ')
          ? find(objects, 'ConfigMap', ns, env.source.slice('ConfigMap '.length))
          : undefined;
        findings.push(
          cm === undefined
            ? findingFor('app-config', t.owner, `${path}.env[name=${name}]`, text)
            : findingFor('app-config', cm, `data.${keyOf(container, name, cm.name)}`, text),
        );
      }
      findings.push(...trackWiring(t.owner, path, container));
      const together = refusedOne ? undefined : parser.refuse(seen);
      if (together !== undefined) {
        findings.push(
          findingFor(
            'app-config',
            t.owner,
            `${path}.env`,
            `${who} would refuse to start: ${together}`,
          ),
        );
      }
    }
  }
  return findings;
}

/**
 * Flagger's pod selector labels, in the order it looks for them in the target's
 * `spec.selector.matchLabels` (flag `-selector-labels`, default `app,name,app.kubernetes.io/name`,
 * fluxcd/flagger cmd/flagger/main.go; getSelectorLabel in pkg/canary/deployment_controller.go).
 */
const FLAGGER_SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];

/**
 * The app tells canary from stable by `POD_APP_LABEL` (app/src/config.ts trackOf): it must be the
 * downward API's value of the selector label Flagger rewrites to `<value>-primary` on the stable
 * copy. A literal (the same in both copies) or another label would make every pod look the same.
 */
function trackWiring(owner: RenderedObject, path: string, container: Json): Finding[] {
  const entry = arr(container.env).find((e) => get(e, 'name') === 'POD_APP_LABEL');
  if (entry === undefined) return [];
  const field = `${path}.env[name=POD_APP_LABEL]`;
  const selector = get(owner.object, 'spec', 'selector', 'matchLabels');
  const flaggerLabel = FLAGGER_SELECTOR_LABELS.find((l) => isRecord(selector) && l in selector);
  const fieldPath = str(get(entry, 'valueFrom', 'fieldRef', 'fieldPath'));
  const read =
    fieldPath === undefined ? undefined : /^metadata\.labels\['(.+)'\]$/.exec(fieldPath)?.[1];
  if (read === undefined) {
    return [
      findingFor(
        'app-config',
        owner,
        field,
        `must be the downward API's valueFrom.fieldRef metadata.labels['${flaggerLabel ?? 'app'}']: anything else does not tell Flagger's canary and stable copies apart`,
      ),
    ];
  }
  if (flaggerLabel !== undefined && read !== flaggerLabel) {
    return [
      findingFor(
        'app-config',
        owner,
        field,
        `reads label "${read}", but Flagger marks the stable copy in label "${flaggerLabel}" (its value becomes <value>-primary there): use metadata.labels['${flaggerLabel}']`,
      ),
    ];
  }
  return [];
}

/** ` (did you mean X?)` for the known variable within 3 edits of `name`, else ''. */
function closest(name: string, known: readonly string[]): string {
  let best: { v: string; d: number } | undefined;
  for (const v of known) {
    const d = distance(name, v);
    if (d <= 3 && (best === undefined || d < best.d)) best = { v, d };
  }
  return best === undefined ? '' : ` (did you mean ${best.v}?)`;
}

/** Keys of the ConfigMaps `container` takes whole (envFrom) that the app does not read. */
function unknownKeys(
  container: Json,
  objects: readonly RenderedObject[],
  ns: string,
  parser: AppConfigParser,
  who: string,
): Finding[] {
  const findings: Finding[] = [];
  for (const from of arr(container.envFrom)) {
    const ref = get(from, 'configMapRef');
    if (!isRecord(ref)) continue;
    const cm = find(objects, 'ConfigMap', ns, str(ref.name) ?? '');
    const data = get(cm?.object, 'data');
    if (cm === undefined || !isRecord(data)) continue;
    const prefix = str(get(from, 'prefix')) ?? '';
    for (const key of Object.keys(data)) {
      const name = prefix + key;
      if (parser.variables.includes(name) || OTHER_READERS.some((p) => name.startsWith(p)))
        continue;
      findings.push(
        findingFor(
          'app-config',
          cm,
          `data.${key}`,
          `${who} reads no variable ${name}: a misspelt setting is ignored at start${closest(name, parser.variables)}`,
        ),
      );
    }
  }
  return findings;
}
