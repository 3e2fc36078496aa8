import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { type BuildOutcome, clusterVarSources, renderBuilds } from './builds.js';
import { type AppConfigParser, checkAppConfig } from './checks/app-config.js';
import { checkAutoscalers, checkCanaries } from './checks/canary.js';
import { checkCanaryGitOps } from './checks/canary-gitops.js';
import { checkConfigMapRefs } from './checks/config-refs.js';
import { checkDependsOn, checkNamespaceOrder } from './checks/depends-on.js';
import { dedupe, duplicates } from './checks/duplicates.js';
import { hpaPromotionNotices } from './checks/hpa-promotion.js';
import { checkImagesPinned } from './checks/images.js';
import { checkInfraAccounts } from './checks/infra-accounts.js';
import { checkInfraContract } from './checks/infra-contract.js';
import { checkProbes, checkShutdownBudget, checkZoneSpread } from './checks/lifecycle.js';
import { checkNotificationRefs } from './checks/notification-refs.js';
import { checkProbePorts } from './checks/ports.js';
import { checkReleasePins } from './checks/release-pins.js';
import { checkSchema } from './checks/schema.js';
import { checkPodSecurity } from './checks/security.js';
import { checkSelectors } from './checks/selectors.js';
import { DeployCheckError } from './errors.js';
import {
  type FluxKustomization,
  readKustomizations,
  readVarSources,
  type SourceDoc,
} from './flux.js';
import type { InfraFacts } from './infra-facts.js';
import { listYamlFiles, readYamlDocs, repoRelative } from './io/files.js';
import type { KustomizeBuild } from './io/kustomize.js';
import { collectKustomizeFiles, type InlinePatch } from './io/kustomize-files.js';
import type { PromtoolCheck } from './io/promtool.js';
import type { Finding, RenderedObject } from './model.js';
import { checkMonitoringTree } from './monitoring-run.js';
import { get, identity, isRecord, str } from './object-access.js';
import { literalsInClusterFolder } from './render.js';
import { buildSourceIndex } from './source-index.js';

export interface CheckOptions {
  /** The folder Flux's GitRepository points at; `spec.path` values are relative to it. */
  readonly repoRoot: string;
  /** The GitOps tree, `<repoRoot>/deploy` by default; clusters are `<deployDir>/clusters/*`. */
  readonly deployDir: string;
  readonly build: KustomizeBuild;
  /** What infra/ installs and names (io/infra.ts); undefined: the infra cross-checks are skipped. */
  readonly infra?: InfraFacts;
  /** Parses deploy/monitoring's PromQL (io/promtool.ts); undefined: not parsed. */
  readonly promtool?: PromtoolCheck;
  /** The app's configuration parser (io/app-config.ts); undefined: app values not checked. */
  readonly appConfig?: AppConfigParser;
}

export interface ClusterSummary {
  readonly cluster: string;
  readonly kustomizations: number;
  /** Everything the cluster would run: its folder's objects and every rendered Kustomization. */
  readonly objects: readonly RenderedObject[];
}

export interface Report {
  readonly clusters: readonly ClusterSummary[];
  readonly findings: readonly Finding[];
  /** Facts worth knowing that are not problems (e.g. when an HPA change reaches the primary). */
  readonly notices: readonly string[];
}

/** Folders `flux bootstrap` writes (gotk-components, gotk-sync): not ours to render. */
const SKIPPED_FOLDERS = ['flux-system'];

/** Cross-checks over everything one cluster would run. */
const CROSS_CHECKS = [
  checkCanaries,
  checkAutoscalers,
  checkSelectors,
  checkConfigMapRefs,
  checkPodSecurity,
  checkImagesPinned,
  checkProbePorts,
  checkProbes,
  checkShutdownBudget,
  checkZoneSpread,
  checkCanaryGitOps,
  checkNotificationRefs,
];

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

function isKubeObject(doc: unknown): boolean {
  const apiVersion = str(get(doc, 'apiVersion')) ?? '';
  return isRecord(doc) && apiVersion !== '' && !apiVersion.startsWith('kustomize.config.k8s.io/');
}

function asRendered({ file, doc }: SourceDoc): RenderedObject | undefined {
  if (!isRecord(doc) || !isKubeObject(doc)) return undefined;
  const { kind, name, namespace } = identity(doc);
  return { object: doc, kind, name, namespace, file };
}

/** Builds one Flux Kustomization's folder and indexes the files it reads (I/O). */
async function buildKustomization(opts: CheckOptions, k: FluxKustomization): Promise<BuildOutcome> {
  const dir = resolve(opts.repoRoot, k.path);
  const rel = relative(resolve(opts.repoRoot), dir);
  const fail = (message: string): Finding => ({
    check: 'flux',
    file: k.file,
    kind: 'Kustomization',
    name: k.name,
    field: 'spec.path',
    message,
  });
  if (rel.startsWith('..')) return { k, failed: fail(`"${k.path}" leaves the repository root`) };
  if (!(await isDir(dir))) {
    return {
      k,
      failed: fail(`"${k.path}" is not a folder (paths are relative to the repository root)`),
    };
  }
  const inline: InlinePatch[] = [];
  const configs: string[] = [];
  const files = await collectKustomizeFiles(dir, inline, new Set(), configs);
  const sources = await readYamlDocs(opts.repoRoot, [...files, ...configs]);
  const patches = inline.map((p) => ({
    file: repoRelative(opts.repoRoot, p.file),
    doc: { apiVersion: 'inline-patch', kind: p.kind, metadata: { name: p.name } },
  }));
  return {
    k,
    result: await opts.build(dir),
    index: buildSourceIndex([...sources.docs, ...patches]),
  };
}

/** Reads one cluster folder, renders its Kustomizations and runs the per-cluster checks. */
async function checkCluster(
  opts: CheckOptions,
  clusterDir: string,
  cluster: string,
): Promise<{ summary: ClusterSummary; findings: Finding[]; notices: string[] }> {
  const { docs } = await readYamlDocs(
    opts.repoRoot,
    await listYamlFiles(clusterDir, SKIPPED_FOLDERS),
  );
  const parsed = readKustomizations(docs);
  const findings: Finding[] = [...parsed.findings, ...checkDependsOn(parsed.kustomizations)];
  const objects: RenderedObject[] = docs.flatMap((d) => asRendered(d) ?? []);
  findings.push(...literalsInClusterFolder(objects));

  const builds = await Promise.all(parsed.kustomizations.map((k) => buildKustomization(opts, k)));
  const rendered = renderBuilds(builds, clusterVarSources(readVarSources(docs), builds));
  findings.push(...rendered.findings);
  objects.push(...rendered.objects);
  findings.push(...checkNamespaceOrder(parsed.kustomizations, objects));

  findings.push(...duplicates(objects));
  for (const o of objects) findings.push(...(await checkSchema(o)));
  for (const check of CROSS_CHECKS) findings.push(...check(objects));
  if (opts.appConfig !== undefined) findings.push(...checkAppConfig(objects, opts.appConfig));
  if (opts.infra !== undefined) {
    findings.push(...checkInfraContract(objects, opts.infra));
    findings.push(...checkInfraAccounts(cluster, objects, opts.infra));
  }
  const summary = { cluster, kustomizations: parsed.kustomizations.length, objects };
  return { summary, findings, notices: hpaPromotionNotices(cluster, objects) };
}

/** Renders every Flux Kustomization of every cluster folder and runs all checks. */
export async function runChecks(opts: CheckOptions): Promise<Report> {
  const clustersDir = join(opts.deployDir, 'clusters');
  if (!(await isDir(clustersDir))) {
    throw new DeployCheckError(
      'NOT_FOUND',
      `no clusters folder at ${clustersDir} (expected <deploy>/clusters/<region>/)`,
    );
  }
  const all = await readYamlDocs(
    opts.repoRoot,
    await listYamlFiles(opts.deployDir, SKIPPED_FOLDERS),
  );
  const findings: Finding[] = [...all.findings];
  const clusters: ClusterSummary[] = [];
  const notices: string[] = [];
  if (opts.infra === undefined) notices.push('infra/ not found: infra cross-checks skipped');

  const names = (await readdir(clustersDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const cluster of names) {
    const one = await checkCluster(opts, join(clustersDir, cluster), cluster);
    findings.push(...one.findings);
    notices.push(...one.notices);
    clusters.push(one.summary);
  }
  // Across clusters, once every cluster is rendered: the release train's pins.
  if (clusters.length > 0) findings.push(...checkReleasePins(clusters));
  findings.push(
    ...(await checkMonitoringTree(opts.repoRoot, opts.deployDir, opts.infra, opts.promtool)),
  );
  return { clusters, findings: dedupe(findings), notices };
}
