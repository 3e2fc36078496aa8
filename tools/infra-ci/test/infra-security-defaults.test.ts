// biome-ignore-all lint/suspicious/noTemplateCurlyInString: HCL `${...}` templates are the test data.
/**
 * Issue #20, "Defaults that a security review would reject", read from the real tree: the EKS
 * public endpoint's allowed CIDRs are a required environment value that may not be open (and a
 * generated Terraform guard refuses open ones at plan, run here with the real terraform), the
 * state buckets log access, the VPCs write flow logs, and the accelerator's flow logs are not
 * turned off. The global-accelerator module's own flow-log bucket is tested by its terraform test
 * (infra/modules/global-accelerator/tests/accelerator.tftest.hcl).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type HclJson, HclParser } from '../src/hcl/parse.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const ENV = 'infra/environments';
const parser = new HclParser();
const parse = (f: string): Promise<HclJson> => parser.parse(f, readFileSync(join(repo, f), 'utf8'));

type Obj = Record<string, unknown>;
const first = (j: HclJson, type: string, label?: string): Obj => {
  const v = j[type] as Obj | Obj[] | undefined;
  if (label === undefined) return ((v as Obj[] | undefined)?.[0] ?? {}) as Obj;
  return ((v as Record<string, Obj[]> | undefined)?.[label]?.[0] ?? {}) as Obj;
};

const environment = await parse(`${ENV}/prod/environment.hcl`);
const envLocals = first(environment, 'locals');
const eks = await parse(`${ENV}/_common/eks.hcl`);
const eksInputs = eks.inputs as Obj;

const OPEN = ['0.0.0.0/0', '::/0'];

describe('EKS API endpoint (issue #20)', () => {
  it('the allowed CIDRs are a required environment value, never open', () => {
    const cidrs = envLocals.eks_public_access_cidrs;
    expect(Array.isArray(cidrs), 'environment.hcl must set eks_public_access_cidrs').toBe(true);
    expect((cidrs as string[]).length).toBeGreaterThan(0);
    for (const c of cidrs as string[]) expect(OPEN).not.toContain(c);
    // No fallback: a missing value is an evaluation error, not a silently open endpoint.
    expect(eksInputs.cluster_endpoint_public_access_cidrs).toBe(
      '${local.environment_vars.locals.eks_public_access_cidrs}',
    );
    expect(eksInputs.cluster_endpoint_private_access).toBe(true);
  });

  describe('the generated guard refuses open CIDRs at plan (real terraform)', () => {
    const guard = String(first(eks, 'generate', 'eks_public_endpoint_guard').contents ?? '');
    const dir = mkdtempSync(join(tmpdir(), 'eks-guard-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    // The module's own declarations (terraform-aws-eks@v20.35.0:variables.tf).
    writeFileSync(
      join(dir, 'variables.tf'),
      'variable "cluster_endpoint_public_access" {\n  type    = bool\n  default = false\n}\n\n' +
        'variable "cluster_endpoint_public_access_cidrs" {\n  type    = list(string)\n  default = ["0.0.0.0/0"]\n}\n',
    );
    writeFileSync(join(dir, 'guard.tf'), guard);
    const plan = (publicAccess: boolean, cidrs: string[]) => {
      writeFileSync(
        join(dir, 'in.auto.tfvars.json'),
        JSON.stringify({
          cluster_endpoint_public_access: publicAccess,
          cluster_endpoint_public_access_cidrs: cidrs,
        }),
      );
      const r = spawnSync('terraform', ['plan', '-input=false', '-no-color', '-lock=false'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, TF_IN_AUTOMATION: '1' },
      });
      if (r.error) throw r.error; // terraform missing: fail, never skip
      return r;
    };

    it('exists', () => expect(guard).toContain('precondition'));

    it.each([
      [['0.0.0.0/0']],
      [['10.0.0.0/8', '::/0']],
      [[]],
      [['192.0.2.0/24']], // the EXAMPLE value: must be replaced before a plan can pass
    ])('refuses %j with the public endpoint on', (cidrs) => {
      const r = plan(true, cidrs);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('eks_public_access_cidrs');
    });

    it('passes a narrow list, and anything with the public endpoint off', () => {
      expect(plan(true, ['203.0.114.0/24', '198.18.0.0/15']).status).toBe(0);
      expect(plan(false, ['0.0.0.0/0']).status).toBe(0);
    });
  });
});

describe('state buckets (issue #20)', () => {
  it('root.hcl gives every state bucket an access-logging bucket (Terragrunt remote_state S3)', async () => {
    const config = first(await parse(`${ENV}/root.hcl`), 'remote_state').config as Obj;
    const logs = String(config.accesslogging_bucket_name ?? '');
    expect(logs).toMatch(/\$\{local\.aws_account_id\}-\$\{local\.aws_region\}$/);
    expect(logs).not.toBe(config.bucket);
    expect(config.accesslogging_target_prefix).toMatch(/\/$/);
    expect(config.skip_bucket_accesslogging).toBeUndefined();
  });
});

describe('VPC flow logs (issue #20)', () => {
  it('every vpc unit writes flow logs to its own log group, with a bounded role under the prefix', async () => {
    const inputs = (await parse(`${ENV}/_common/vpc.hcl`)).inputs as Obj;
    expect(inputs.enable_flow_log).toBe(true);
    expect(inputs.flow_log_traffic_type ?? 'ALL').toBe('ALL');
    expect(inputs.create_flow_log_cloudwatch_log_group).toBe(true);
    expect(inputs.create_flow_log_cloudwatch_iam_role).toBe(true);
    expect(Number(inputs.flow_log_cloudwatch_log_group_retention_in_days)).toBeGreaterThan(0);
    // infra-apply may create roles and policies only as "<environment>-..." with the workload
    // boundary (modules/github-oidc/apply-policy.tf): the module's defaults ("vpc-flow-log-role",
    // no boundary) would be refused.
    expect(inputs.vpc_flow_log_iam_role_name).toBe('${local.name}-vpc-flow-log');
    expect(inputs.vpc_flow_log_iam_policy_name).toBe('${local.name}-vpc-flow-log');
    expect(inputs.vpc_flow_log_permissions_boundary).toBe('${local.workload_boundary_arn}');
    expect(inputs.flow_log_cloudwatch_log_group_name_prefix).toBe('/aws/vpc-flow-log/');
    expect(inputs.flow_log_cloudwatch_log_group_name_suffix).toBe('${local.name}');
  });
});

describe('Global Accelerator flow logs (issue #20)', () => {
  it('the unit keeps the module default (on) or says why not', async () => {
    const inputs = (await parse(`${ENV}/prod/global/global-accelerator/terragrunt.hcl`))
      .inputs as Obj;
    if ('flow_logs' in inputs && inputs.flow_logs === null) {
      expect(String(inputs.flow_logs_off_reason ?? '').trim()).not.toBe('');
    }
    // The module's default is a flow-log bucket of its own (the module's terraform test).
    const variables = await parse('infra/modules/global-accelerator/variables.tf');
    expect(first(variables, 'variable', 'flow_logs').default).toEqual({});
  });
});
