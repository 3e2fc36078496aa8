import { parse } from 'yaml';
import { DeployCheckError } from '../errors.js';
import { get, isRecord, str } from '../object-access.js';

/**
 * The kind end-to-end test installs the controllers from the same values source as Terraform
 * (infra/modules/kubernetes/values/): these pure functions turn those files into Helm commands, adding
 * only what a kind cluster needs instead of AWS (listed in KIND_OVERRIDES, with the reason).
 */

export interface Chart {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}
export interface Release {
  readonly name: string;
  readonly namespace: string;
}
export interface Platform {
  readonly charts: ReadonlyMap<string, Chart>;
  readonly releases: ReadonlyMap<string, Release>;
  readonly gatewayApi: {
    readonly version: string;
    readonly channel: string;
    readonly requiredCrds: readonly string[];
  };
  readonly gateway: {
    readonly name: string;
    readonly namespace: string;
    readonly className: string;
    readonly controllerName: string;
    readonly envoyService: string;
  };
  readonly seriesLabels: { readonly namespace: string; readonly pod: string };
}

const fail = (what: string): never => {
  throw new DeployCheckError('E2E', `values/platform.yaml: ${what}`);
};
const text = (v: unknown, what: string): string => str(v) ?? fail(`${what} must be a string`);

/** Parses values/platform.yaml. Pure. */
export function parsePlatform(yamlText: string): Platform {
  const doc = parse(yamlText) as unknown;
  const entries = (key: string) => {
    const v = get(doc, key);
    return Object.entries(isRecord(v) ? v : fail(`${key} is missing`));
  };
  const charts = new Map(
    entries('charts').map(([k, c]) => [
      k,
      {
        repository: text(get(c, 'repository'), `charts.${k}.repository`),
        chart: text(get(c, 'chart'), `charts.${k}.chart`),
        version: text(get(c, 'version'), `charts.${k}.version`),
      },
    ]),
  );
  const releases = new Map(
    entries('releases').map(([k, r]) => [
      k,
      {
        name: text(get(r, 'name'), `releases.${k}.name`),
        namespace: text(get(r, 'namespace'), `releases.${k}.namespace`),
      },
    ]),
  );
  const crds = get(doc, 'gateway_api', 'required_crds');
  return {
    charts,
    releases,
    gatewayApi: {
      version: text(get(doc, 'gateway_api', 'version'), 'gateway_api.version'),
      channel: text(get(doc, 'gateway_api', 'channel'), 'gateway_api.channel'),
      requiredCrds: Array.isArray(crds)
        ? crds.map((c) => text(c, 'gateway_api.required_crds[]'))
        : fail('gateway_api.required_crds is missing'),
    },
    gateway: {
      name: text(get(doc, 'gateway', 'name'), 'gateway.name'),
      namespace: text(get(doc, 'gateway', 'namespace'), 'gateway.namespace'),
      className: text(get(doc, 'gateway', 'className'), 'gateway.className'),
      controllerName: text(get(doc, 'gateway', 'controllerName'), 'gateway.controllerName'),
      envoyService: text(get(doc, 'gateway', 'envoyService'), 'gateway.envoyService'),
    },
    seriesLabels: {
      namespace: text(
        get(doc, 'prometheus_series_labels', 'namespace'),
        'prometheus_series_labels.namespace',
      ),
      pod: text(get(doc, 'prometheus_series_labels', 'pod'), 'prometheus_series_labels.pod'),
    },
  };
}

/** The Gateway API bundle Terraform downloads (gateway.tf data "http"). Pure. */
export function gatewayApiUrl(p: Platform): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${p.gatewayApi.version}/${p.gatewayApi.channel}-install.yaml`;
}

/**
 * Values a kind cluster needs instead of the EKS ones, per release key. Everything else is the
 * values file Terraform uses. Contour: the same Gateway reference and Service target ports as
 * gateway.tf, but a ClusterIP Service (no AWS load balancer; the load test reaches Envoy in-cluster).
 * metrics-server: kind's kubelets serve self-signed certificates.
 */
export function kindOverrides(p: Platform): Record<string, unknown> {
  return {
    contour: {
      configInline: {
        gateway: { gatewayRef: { name: p.gateway.name, namespace: p.gateway.namespace } },
      },
      envoy: { service: { type: 'ClusterIP', targetPorts: { http: 'http', https: 'http' } } },
    },
    metrics_server: { args: ['--kubelet-insecure-tls'] },
  };
}

/** Releases in Terraform's order: the Flux sync (platform-bootstrap) comes last. */
export const INSTALL_ORDER = [
  'metrics_server',
  'flux2',
  'contour',
  'flagger',
  'loadtester',
] as const;

/** Values file of each release key, under infra/modules/kubernetes/values/. */
export const VALUES_FILE: Record<(typeof INSTALL_ORDER)[number], string> = {
  metrics_server: 'metrics-server.yaml',
  flux2: 'flux2.yaml',
  contour: 'contour.yaml',
  flagger: 'flagger.yaml',
  loadtester: 'loadtester.yaml',
};

/**
 * `helm upgrade --install` arguments of one release: chart and version from platform.yaml, the
 * shared values file, then the kind override file (when there is one). OCI repositories are given as
 * the chart reference, HTTP ones with --repo. Pure.
 */
export function helmArgs(
  p: Platform,
  key: (typeof INSTALL_ORDER)[number],
  valuesDir: string,
  overrideFile: string | undefined,
): string[] {
  const chart = p.charts.get(key) ?? fail(`charts.${key} is missing`);
  const release = p.releases.get(key) ?? fail(`releases.${key} is missing`);
  const ref = chart.repository.startsWith('oci://')
    ? [`${chart.repository}/${chart.chart}`]
    : [chart.chart, '--repo', chart.repository];
  return [
    'upgrade',
    '--install',
    release.name,
    ...ref,
    '--version',
    chart.version,
    '--namespace',
    release.namespace,
    '--create-namespace',
    '--values',
    `${valuesDir}/${VALUES_FILE[key]}`,
    ...(overrideFile === undefined ? [] : ['--values', overrideFile]),
    '--wait',
    '--timeout',
    '10m',
  ];
}

/** `helm template` arguments rendering one release exactly as installed (chart, version, values). */
export function helmTemplateArgs(
  p: Platform,
  key: (typeof INSTALL_ORDER)[number],
  valuesDir: string,
): string[] {
  const install = helmArgs(p, key, valuesDir, undefined);
  const release = install[2] ?? key;
  const upTo = install.indexOf('--namespace');
  return [
    'template',
    release,
    ...install.slice(3, upTo),
    '--values',
    `${valuesDir}/${VALUES_FILE[key]}`,
  ];
}

/** `--set` arguments giving the platform-bootstrap chart the Gateway of platform.yaml (as flagger.tf does). */
export function bootstrapGatewaySets(p: Platform): string[] {
  const g = p.gateway;
  return [
    ['gateway.name', g.name],
    ['gateway.namespace', g.namespace],
    ['gateway.className', g.className],
    ['gateway.controllerName', g.controllerName],
  ].flatMap(([k, v]) => ['--set', `${k}=${v}`]);
}

/**
 * Target labels of the kubernetes-pods scrape job in `helm template` output of the Flagger chart:
 * what its Prometheus really puts on the app's series. Pure.
 */
export function podJobTargetLabels(rendered: string): string[] {
  const at = rendered.search(/job_name:\s*'?kubernetes-pods'?\s*$/m);
  if (at < 0)
    throw new DeployCheckError('E2E', 'no kubernetes-pods job in the rendered Flagger chart');
  const next = rendered.indexOf('job_name:', at + 1);
  const job = rendered.slice(at, next < 0 ? undefined : next);
  return [...job.matchAll(/target_label:\s*([A-Za-z_][A-Za-z0-9_]*)/g)]
    .flatMap((m) => m[1] ?? [])
    .filter((l) => !l.startsWith('__'));
}
