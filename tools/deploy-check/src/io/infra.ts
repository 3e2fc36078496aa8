import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DeployCheckError } from '../errors.js';
import { hclStringAttributes, type InfraFacts } from '../infra-facts.js';
import { get, isRecord, str } from '../object-access.js';
import { repoRelative } from './files.js';

/** Where the module's values live, relative to the infra folder. */
export const VALUES_DIR = join('modules', 'kubernetes', 'values');

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function yamlFile(path: string): Promise<unknown> {
  try {
    return parse(await readFile(path, 'utf8')) as unknown;
  } catch (e) {
    throw new DeployCheckError(
      'INFRA',
      `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function need<T>(value: T | undefined, file: string, what: string): T {
  if (value === undefined || value === '')
    throw new DeployCheckError('INFRA', `${file}: ${what} is missing`);
  return value;
}

/**
 * Reads the facts deploy/ is cross-checked against; undefined when `infraDir` does not exist (a
 * checkout of deploy/ alone). Bad or incomplete files are a DeployCheckError (code INFRA).
 */
export async function readInfraFacts(
  repoRoot: string,
  infraDir: string,
): Promise<InfraFacts | undefined> {
  if (!(await exists(infraDir))) return undefined;
  const rel = (p: string) => repoRelative(repoRoot, p);
  const platformPath = join(infraDir, VALUES_DIR, 'platform.yaml');
  const flaggerPath = join(infraDir, VALUES_DIR, 'flagger.yaml');
  const platform = await yamlFile(platformPath);
  const flagger = await yamlFile(flaggerPath);
  const loadtester = await yamlFile(join(infraDir, VALUES_DIR, 'loadtester.yaml'));
  const pf = rel(platformPath);

  const releases = new Map<string, { name: string; namespace: string }>();
  const rawReleases = get(platform, 'releases');
  for (const [k, v] of Object.entries(isRecord(rawReleases) ? rawReleases : {})) {
    releases.set(k, {
      name: need(str(get(v, 'name')), pf, `releases.${k}.name`),
      namespace: need(str(get(v, 'namespace')), pf, `releases.${k}.namespace`),
    });
  }
  const rawCharts = get(platform, 'charts');
  const labels = (k: string) =>
    need(str(get(platform, 'prometheus_series_labels', k)), pf, `prometheus_series_labels.${k}`);

  const envDir = join(infraDir, 'environments');
  const { environmentPath, regions } = await findEnvironment(repoRoot, envDir);
  const env = hclStringAttributes(await readFile(environmentPath, 'utf8'));
  const ef = rel(environmentPath);
  const accountId = need(env.get('aws_account_id'), ef, 'aws_account_id');
  if (!/^[0-9]{12}$/.test(accountId))
    throw new DeployCheckError('INFRA', `${ef}: aws_account_id "${accountId}" is not 12 digits`);

  return {
    files: { platform: pf, flagger: rel(flaggerPath), environment: ef },
    gateway: {
      name: need(str(get(platform, 'gateway', 'name')), pf, 'gateway.name'),
      namespace: need(str(get(platform, 'gateway', 'namespace')), pf, 'gateway.namespace'),
      envoyService: need(str(get(platform, 'gateway', 'envoyService')), pf, 'gateway.envoyService'),
      envoyPort: Number(get(platform, 'gateway', 'envoyPort') ?? 80),
    },
    releases,
    charts: new Set(Object.keys(isRecord(rawCharts) ? rawCharts : {})),
    meshProvider: need(str(get(flagger, 'meshProvider')), rel(flaggerPath), 'meshProvider'),
    prometheusInstalled: get(flagger, 'prometheus', 'install') === true,
    seriesLabels: { namespace: labels('namespace'), pod: labels('pod'), app: labels('app') },
    loadtesterPort: Number(get(loadtester, 'service', 'port') ?? 80),
    environment: {
      accountId,
      repository: need(env.get('repository'), ef, 'repository'),
      ecrRepositories: ['ecr_repository_name', 'failover_ecr_repository_name'].flatMap(
        (k) => env.get(k) ?? [],
      ),
    },
    regions,
  };
}

/** The one environment folder (environments/<env>/environment.hcl) and its regions' region.hcl. */
async function findEnvironment(repoRoot: string, envDir: string) {
  const envs: string[] = [];
  for (const e of await readdir(envDir, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory() && (await exists(join(envDir, e.name, 'environment.hcl'))))
      envs.push(e.name);
  }
  if (envs.length !== 1) {
    throw new DeployCheckError(
      'INFRA',
      `expected exactly one environments/<env>/environment.hcl under ${envDir}, found ${envs.length} (${envs.join(', ')}): deploy/ serves one environment`,
    );
  }
  const dir = join(envDir, envs[0] ?? '');
  const regions = new Map<string, { drRole: string; file: string }>();
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const file = join(dir, e.name, 'region.hcl');
    if (!e.isDirectory() || !(await exists(file))) continue;
    const attrs = hclStringAttributes(await readFile(file, 'utf8'));
    const region = attrs.get('aws_region');
    if (region !== undefined) {
      regions.set(region, {
        drRole: attrs.get('dr_role') ?? '',
        file: repoRelative(repoRoot, file),
      });
    }
  }
  return { environmentPath: join(dir, 'environment.hcl'), regions };
}
