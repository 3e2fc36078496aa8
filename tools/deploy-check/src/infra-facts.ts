/**
 * What deploy/ must agree with in infra/, as plain data (read by io/infra.ts, checked by
 * checks/infra-contract.ts). Sources: infra/modules/kubernetes/values/*.yaml (the values Terraform
 * installs the controllers with) and the Terragrunt live tree's environment.hcl / region.hcl.
 */
export interface InfraFacts {
  /** Repository-relative files, for messages. */
  readonly files: {
    readonly platform: string;
    readonly flagger: string;
    readonly environment: string;
  };
  readonly gateway: {
    readonly name: string;
    readonly namespace: string;
    readonly envoyService: string;
    readonly envoyPort: number;
  };
  /** Helm release name and namespace per release key (flagger, loadtester, metrics_server, …). */
  readonly releases: ReadonlyMap<string, { readonly name: string; readonly namespace: string }>;
  readonly charts: ReadonlySet<string>;
  /** Flagger's `meshProvider` value. */
  readonly meshProvider: string;
  readonly prometheusInstalled: boolean;
  /** Label names of Flagger's bundled Prometheus: namespace, pod, app. */
  readonly seriesLabels: { readonly namespace: string; readonly pod: string; readonly app: string };
  readonly loadtesterPort: number;
  readonly environment: {
    readonly accountId: string;
    /** GitHub owner/name. */
    readonly repository: string;
    readonly ecrRepositories: readonly string[];
  };
  /** region.hcl of each workload region: region name → its DR role and file. */
  readonly regions: ReadonlyMap<string, { readonly drRole: string; readonly file: string }>;
}

/**
 * A Helm chart's "fullname" (the `<chart>.fullname` helper of Flagger's charts, v1.41.0): the release
 * name when it contains the chart name, else `<release>-<chart>`. Pure.
 */
export function helmFullname(release: string, chart: string): string {
  return release.includes(chart) ? release : `${release}-${chart}`;
}

/** The Prometheus URL deploy/'s MetricTemplates must use: Service `<fullname>-prometheus:9090`. */
export function prometheusAddress(facts: InfraFacts): string | undefined {
  const r = facts.releases.get('flagger');
  if (r === undefined) return undefined;
  return `http://${helmFullname(r.name, 'flagger')}-prometheus.${r.namespace}:9090`;
}

/** The load tester's in-cluster host (Service `<fullname>` in its namespace). */
export function loadtesterHost(facts: InfraFacts): string | undefined {
  const r = facts.releases.get('loadtester');
  if (r === undefined) return undefined;
  return `${helmFullname(r.name, 'loadtester')}.${r.namespace}`;
}

/** Top-level `name = "literal"` attributes of an HCL file (enough for environment.hcl). Pure. */
export function hclStringAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"$]*)"\s*(#.*)?$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined && !out.has(m[1])) out.set(m[1], m[2]);
  }
  return out;
}
