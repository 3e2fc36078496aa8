import { type InfraFacts, loadtesterHost, prometheusAddress } from '../infra-facts.js';
import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { arr, get, str } from '../object-access.js';

/**
 * deploy/ against the controllers infra/modules/kubernetes installs (values/*.yaml): the Prometheus
 * the MetricTemplates query, the load tester the Canary's webhooks call, the Gateway its routes attach
 * to and its load goes through, the mesh provider, the label names of Flagger's Prometheus, the Flux
 * GitHub Provider's repository, and metrics-server for resource-metric HPAs. Pure.
 */
export function checkInfraContract(
  objects: readonly RenderedObject[],
  facts: InfraFacts,
): Finding[] {
  const out: Finding[] = [];
  const fail = (o: RenderedObject, field: string, message: string) =>
    out.push(findingFor('infra-contract', o, field, message));
  const prom = prometheusAddress(facts);
  for (const t of objects.filter((o) => o.kind === 'MetricTemplate')) {
    const address = str(get(t.object, 'spec', 'provider', 'address'));
    if (!facts.prometheusInstalled) {
      fail(t, 'spec.provider', `${facts.files.flagger} does not install Flagger's Prometheus`);
    } else if (address !== prom) {
      fail(
        t,
        'spec.provider.address',
        `is ${JSON.stringify(address)}; Flagger's Prometheus installed by ${facts.files.platform} answers at ${prom}`,
      );
    }
    const query = str(get(t.object, 'spec', 'query')) ?? '';
    for (const m of labelProblems(query, facts)) fail(t, 'spec.query', m);
  }
  for (const c of objects.filter((o) => o.kind === 'Canary')) out.push(...canaryContract(c, facts));
  for (const p of objects.filter((o) => o.kind === 'Provider')) {
    const want = `https://github.com/${facts.environment.repository}`;
    const address = str(get(p.object, 'spec', 'address'));
    if (str(get(p.object, 'spec', 'type')) === 'github' && address !== want) {
      fail(
        p,
        'spec.address',
        `is ${JSON.stringify(address)}; the repository is ${want} (${facts.files.environment} repository)`,
      );
    }
  }
  if (!facts.charts.has('metrics_server')) {
    for (const h of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
      if (arr(get(h.object, 'spec', 'metrics')).some((m) => get(m, 'type') === 'Resource')) {
        fail(
          h,
          'spec.metrics',
          `resource metrics need metrics-server, which ${facts.files.platform} does not install: the HPA would never scale above its floor`,
        );
      }
    }
  }
  return out;
}

/** Label names a PromQL text selects on (`name=`, `name=~`, `name!=`, `name!~`). Pure. */
export function selectorLabels(promql: string): Set<string> {
  const out = new Set<string>();
  for (const m of promql.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"/g)) {
    if (m[1] !== undefined) out.add(m[1]);
  }
  return out;
}

/**
 * Problems of a query against Flagger's Prometheus labels: it must select the pod by the namespace
 * and pod labels that Prometheus really sets, and use no other `kubernetes_*` label. Pure.
 */
export function labelProblems(promql: string, facts: InfraFacts): string[] {
  const used = selectorLabels(promql);
  const known = new Set(Object.values(facts.seriesLabels));
  const out: string[] = [];
  for (const l of [facts.seriesLabels.namespace, facts.seriesLabels.pod]) {
    if (!used.has(l))
      out.push(
        `does not select on ${l}, the label Flagger's Prometheus sets (${facts.files.platform} prometheus_series_labels)`,
      );
  }
  for (const l of used) {
    if (l.startsWith('kubernetes_') && !known.has(l)) {
      out.push(
        `selects on ${l}, which Flagger's Prometheus does not set (it sets ${[...known].join(', ')}: ${facts.files.platform} prometheus_series_labels)`,
      );
    }
  }
  return out;
}

const CLUSTER_SUFFIX = /\.svc(\.cluster\.local)?$/;

function hostOf(url: string): { host: string; port: string } | undefined {
  try {
    const u = new URL(url);
    return { host: u.hostname.replace(CLUSTER_SUFFIX, ''), port: u.port };
  } catch {
    return undefined;
  }
}

/** The `-host` value and target URL of a `hey` command line. Pure. */
export function parseHey(cmd: string): { host?: string; url?: string } | undefined {
  const words = cmd.trim().split(/\s+/);
  if (words[0] !== 'hey') return undefined;
  const at = words.indexOf('-host');
  const url = [...words].reverse().find((w) => /^https?:\/\//.test(w));
  return { host: at >= 0 ? words[at + 1] : undefined, url };
}

function canaryContract(c: RenderedObject, facts: InfraFacts): Finding[] {
  const out: Finding[] = [];
  const fail = (field: string, message: string) =>
    out.push(findingFor('infra-contract', c, field, message));
  const spec = get(c.object, 'spec');
  const provider = str(get(spec, 'provider'));
  if (provider !== undefined && provider !== facts.meshProvider) {
    fail(
      'spec.provider',
      `is "${provider}" but Terraform configures Flagger with meshProvider "${facts.meshProvider}" (${facts.files.flagger})`,
    );
  }
  const gw = facts.gateway;
  arr(get(spec, 'service', 'gatewayRefs')).forEach((r, i) => {
    const ns = str(get(r, 'namespace')) ?? c.namespace;
    if (str(get(r, 'name')) !== gw.name || ns !== gw.namespace) {
      fail(
        `spec.service.gatewayRefs[${i}]`,
        `is ${ns}/${str(get(r, 'name'))}; the Gateway Terraform creates is ${gw.namespace}/${gw.name} (${facts.files.platform})`,
      );
    }
  });
  const tester = loadtesterHost(facts);
  const hosts = arr(get(spec, 'service', 'hosts')).flatMap((h) => str(h) ?? []);
  let throughGateway = false;
  arr(get(spec, 'analysis', 'webhooks')).forEach((w, i) => {
    const at = `spec.analysis.webhooks[${i}]`;
    const u = hostOf(str(get(w, 'url')) ?? '');
    const port = facts.loadtesterPort === 80 ? '' : String(facts.loadtesterPort);
    if (u === undefined || u.host !== tester || u.port !== port) {
      fail(
        `${at}.url`,
        `is ${JSON.stringify(get(w, 'url'))}; the load tester Terraform installs is http://${tester}${port === '' ? '' : `:${port}`}/ (${facts.files.platform} releases.loadtester)`,
      );
    }
    const type = str(get(w, 'type')) ?? 'rollout';
    const hey = parseHey(str(get(w, 'metadata', 'cmd')) ?? '');
    if (type !== 'rollout' || hey === undefined) return;
    const target = hostOf(hey.url ?? '');
    const envoyPort = gw.envoyPort === 80 ? '' : String(gw.envoyPort);
    if (target?.host !== `${gw.envoyService}.${gw.namespace}` || target.port !== envoyPort) {
      fail(
        `${at}.metadata.cmd`,
        `load goes to ${JSON.stringify(hey.url)}, not through the Gateway: send it to Envoy, http://${gw.envoyService}.${gw.namespace}${envoyPort === '' ? '' : `:${envoyPort}`}/, so routing errors count against the release`,
      );
      return;
    }
    throughGateway = true;
    if (hey.host === undefined) {
      fail(
        `${at}.metadata.cmd`,
        'sends no -host: Envoy routes by Host, give the name the route serves',
      );
    } else if (hosts.length > 0 && !hosts.includes(hey.host)) {
      fail(
        `${at}.metadata.cmd`,
        `-host ${hey.host} is not one the route serves (spec.service.hosts: ${hosts.join(', ')})`,
      );
    }
  });
  if (!throughGateway) {
    fail(
      'spec.analysis.webhooks',
      `no rollout load test (hey) goes through the Gateway's Envoy (${gw.envoyService}.${gw.namespace}): canaries would be measured where users are not`,
    );
  }
  return out;
}
