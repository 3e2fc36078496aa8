import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import {
  createRunner,
  parseTerraformVersion,
  parseTerragruntVersion,
  tailLines,
} from '../src/terragrunt/runner.js';
import { Standin } from './support/terragrunt-standin/index.js';

let standin: Standin;
let unitDir: string;
beforeEach(() => {
  standin = new Standin();
  unitDir = path.join(mkdtempSync(path.join(tmpdir(), 'unit-')), 'eu-central-1', 'vpc');
  mkdirSync(unitDir, { recursive: true });
  writeFileSync(path.join(unitDir, 'terragrunt.hcl'), 'inputs = {}\n');
});
afterEach(() => {
  standin.cleanup();
  rmSync(path.dirname(path.dirname(unitDir)), { recursive: true, force: true });
});

describe('terragrunt runner', () => {
  it('reads versions in the documented formats', () => {
    expect(parseTerragruntVersion('terragrunt version v0.83.2\n')).toBe('0.83.2');
    expect(parseTerraformVersion('{"terraform_version":"1.9.8","platform":"linux_amd64"}')).toBe(
      '1.9.8',
    );
    expect(() => parseTerraformVersion('Terraform v1.9.8')).toThrow(/terraform_version/);
    expect(tailLines('a\nb\nc\n', 2)).toBe('b\nc');
  });

  it('plans in the unit folder, a changed config gives a different plan file, show parses it', async () => {
    const r = standin.runner();
    const unit = 'infra/environments/prod/eu-central-1/vpc';
    expect(await r.versions()).toEqual({ terraform: '1.9.8', terragrunt: '0.83.2' });
    const out = path.join(standin.dir, 'a.tfplan');
    await r.plan({ unit, cwd: unitDir, out, destroy: false });
    const first = readFileSync(out, 'utf8');
    expect(await r.show({ unit, cwd: unitDir, planFile: out })).toEqual({
      add: 1,
      change: 0,
      destroy: 0,
      resources: [{ address: 'null_resource.vpc', actions: ['create'] }],
    });
    writeFileSync(path.join(unitDir, 'terragrunt.hcl'), 'inputs = { x = 1 }\n');
    await r.plan({ unit, cwd: unitDir, out, destroy: false });
    expect(readFileSync(out, 'utf8')).not.toBe(first);
    expect(
      standin
        .events()
        .filter((e) => !e.end)
        .every((e) => e.cwd === unitDir || e.args[0] !== 'plan'),
    ).toBe(true);
  });

  it('a failing call names the unit, the command, the exit code and the stderr tail', async () => {
    standin.scenario({ units: { 'eu-central-1/vpc': { fail: ['apply'] } } });
    const err = await standin
      .runner()
      .apply({ unit: 'u/vpc', cwd: unitDir, planFile: '/abs/p.tfplan' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe('failed');
    expect((err as CliError).message).toBe(
      'u/vpc: `terragrunt apply -input=false -lock-timeout=5m --non-interactive /abs/p.tfplan` exited with code 1:\n' +
        `Error: stand-in apply failure for ${unitDir}`,
    );
  });

  it('a missing terragrunt is a tool error (exit 3) saying so', async () => {
    const r = createRunner({ terragrunt: path.join(standin.dir, 'no-such-terragrunt') });
    const err = await r.backendBootstrap({ unit: 'u', cwd: unitDir }).catch((e: unknown) => e);
    expect((err as CliError).exitCode).toBe(3);
    expect((err as CliError).message).toContain('is not installed (not found on PATH');
  });

  it('on cancel, a running call gets SIGINT and fails; later calls do not start', async () => {
    standin.scenario({
      units: {
        'eu-central-1/vpc': { block: { on: 'apply', until: path.join(standin.dir, 'never') } },
      },
    });
    const cancel = new AbortController();
    const r = createRunner({ env: standin.env(), signal: cancel.signal });
    const running = r.apply({ unit: 'u/vpc', cwd: unitDir, planFile: '/abs/p.tfplan' });
    for (let i = 0; !standin.events().some((e) => e.args[0] === 'apply'); i++) {
      if (i > 500) throw new Error('the stand-in never started');
      await new Promise((res) => setTimeout(res, 10));
    }
    cancel.abort();
    const err = (await running.catch((e: unknown) => e)) as CliError;
    expect(err.code).toBe('failed');
    expect(err.message).toMatch(/^u\/vpc: `terragrunt apply .*` exited with code \d+/);
    const next = (await r
      .backendDelete({ unit: 'u/vpc', cwd: unitDir })
      .catch((e: unknown) => e)) as CliError;
    expect(next.message).toBe(
      'u/vpc: `terragrunt backend delete --non-interactive --force` not started: the run was cancelled',
    );
    expect(standin.events().filter((e) => e.args[0] === 'backend')).toEqual([]);
  });
});
