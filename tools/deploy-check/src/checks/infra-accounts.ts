import type { InfraFacts } from '../infra-facts.js';
import type { Finding, RenderedObject } from '../model.js';
import { findingFor } from '../model.js';
import { get, isRecord, str } from '../object-access.js';
import { find } from './lookup.js';
import { containersOf, podTemplates } from './pods.js';

const ECR_IMAGE = /^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^@:]+)/;
const ARN_ACCOUNT = /arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):/g;

/**
 * One source for account ids, registries and regions: infra/environments/<env>/environment.hcl
 * (aws_account_id, ecr repository names) and <region>/region.hcl. The cluster folder's cluster-vars
 * (AWS_REGION, DR_ROLE, ECR_REGISTRY), every ECR image and every ARN that deploy/ renders must agree
 * with them. Pure.
 */
export function checkInfraAccounts(
  cluster: string,
  objects: readonly RenderedObject[],
  facts: InfraFacts,
): Finding[] {
  return [
    ...clusterVarsFindings(cluster, objects, facts),
    ...imageFindings(cluster, objects, facts),
    ...arnFindings(objects, facts),
  ];
}

type Fail = (o: RenderedObject, field: string, message: string) => void;

/** Collects `infra-accounts` findings through `fill`'s `fail` callback. */
function collect(fill: (fail: Fail) => void): Finding[] {
  const out: Finding[] = [];
  fill((o, field, message) => out.push(findingFor('infra-accounts', o, field, message)));
  return out;
}

/** The cluster folder's cluster-vars: AWS_REGION, DR_ROLE and ECR_REGISTRY against infra/. */
function clusterVarsFindings(
  cluster: string,
  objects: readonly RenderedObject[],
  facts: InfraFacts,
): Finding[] {
  const vars = find(objects, 'ConfigMap', 'flux-system', 'cluster-vars');
  if (vars === undefined) return [];
  const env = facts.environment;
  const ef = facts.files.environment;
  const region = facts.regions.get(cluster);
  const data = (k: string) => str(get(vars.object, 'data', k));
  return collect((fail) => {
    if (region === undefined) {
      fail(
        vars,
        'metadata.name',
        `cluster folder "${cluster}" has no region.hcl with aws_region = "${cluster}" in the environment of ${ef}`,
      );
    } else {
      if (data('AWS_REGION') !== cluster)
        fail(
          vars,
          'data.AWS_REGION',
          `is ${JSON.stringify(data('AWS_REGION'))}; this cluster folder is region ${cluster} (${region.file})`,
        );
      if (data('DR_ROLE') !== region.drRole)
        fail(
          vars,
          'data.DR_ROLE',
          `is ${JSON.stringify(data('DR_ROLE'))}; ${region.file} says dr_role = "${region.drRole}"`,
        );
    }
    const registry = `${env.accountId}.dkr.ecr.${cluster}.amazonaws.com`;
    if (data('ECR_REGISTRY') !== registry)
      fail(
        vars,
        'data.ECR_REGISTRY',
        `is ${JSON.stringify(data('ECR_REGISTRY'))}; account ${env.accountId} (${ef} aws_account_id) has this region's registry at ${registry}`,
      );
  });
}

/** Every ECR image: its account, region and repository against infra/. */
function imageFindings(
  cluster: string,
  objects: readonly RenderedObject[],
  facts: InfraFacts,
): Finding[] {
  const env = facts.environment;
  const ef = facts.files.environment;
  return collect((fail) => {
    for (const t of podTemplates(objects)) {
      for (const c of containersOf(t)) {
        const m = ECR_IMAGE.exec(str(c.container.image) ?? '');
        if (m === null) continue;
        const [, account, imageRegion, repo] = m;
        const field = `${c.path}.image`;
        if (account !== env.accountId)
          fail(
            t.owner,
            field,
            `pulls from account ${account}; the account is ${env.accountId} (${ef} aws_account_id)`,
          );
        if (imageRegion !== cluster)
          fail(
            t.owner,
            field,
            `pulls from the ${imageRegion} registry; cluster ${cluster} pulls from its own region's replica`,
          );
        if (repo !== undefined && !env.ecrRepositories.includes(repo))
          fail(
            t.owner,
            field,
            `repository "${repo}" is not one ${ef} creates (${env.ecrRepositories.join(', ')})`,
          );
      }
    }
  });
}

/** Every ARN in any rendered string names the account of infra/. */
function arnFindings(objects: readonly RenderedObject[], facts: InfraFacts): Finding[] {
  const env = facts.environment;
  const ef = facts.files.environment;
  return collect((fail) => {
    for (const o of objects) {
      for (const [field, account] of arnAccounts(o.object, '')) {
        if (account !== env.accountId)
          fail(
            o,
            field,
            `names account ${account}; the account is ${env.accountId} (${ef} aws_account_id)`,
          );
      }
    }
  });
}

/** Every (field, account id) of an ARN in any string of `v`. Pure. */
export function arnAccounts(v: unknown, path: string): [string, string][] {
  if (typeof v === 'string') return [...v.matchAll(ARN_ACCOUNT)].map((m) => [path, m[1] ?? '']);
  if (Array.isArray(v)) return v.flatMap((x, i) => arnAccounts(x, `${path}[${i}]`));
  if (isRecord(v))
    return Object.entries(v).flatMap(([k, x]) => arnAccounts(x, path === '' ? k : `${path}.${k}`));
  return [];
}
