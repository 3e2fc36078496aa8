/**
 * The contract between the workflows, the CLI and the OIDC trust policy, which otherwise only
 * breaks in production: the PR flow uploads the artifact the merge flow looks for, the apply job
 * runs in the one environment infra-apply trusts, one apply at a time.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { artifactName } from '../src/plan/bundle.js';
import {
  environmentName,
  ghExpr,
  hclList,
  type Job,
  read,
  root,
  type Step,
} from './helpers/workflows.js';

interface Workflow {
  on: Record<string, { branches?: string[]; paths?: string[] } | null>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const workflow = (f: string): Workflow => parse(read(f)) as Workflow;
const onlyJob = (w: Workflow): Job => {
  const jobs = Object.values(w.jobs);
  expect(jobs).toHaveLength(1);
  return jobs[0] as Job;
};
const stepUsing = (job: Job, action: string): Step | undefined =>
  job.steps.find((s) => s.uses?.startsWith(`${action}@`));
const stepRunning = (job: Job, command: string): Step | undefined =>
  job.steps.find((s) => s.run?.includes(command));
describe('infra-pr.yml', () => {
  const w = workflow('.github/workflows/infra-pr.yml');
  const job = w.jobs.plan as Job;

  it('has the plan job and the read-only cross-check against terragrunt find (#12)', () => {
    expect(Object.keys(w.jobs)).toEqual(['plan', 'crosscheck-terragrunt']);
    const check = w.jobs['crosscheck-terragrunt'] as Job;
    expect(check.permissions).toEqual({ contents: 'read' });
    const find = stepRunning(check, 'terragrunt find --json --dag --dependencies --reading');
    const compare = stepRunning(check, 'graph --root infra/environments');
    expect(compare?.run).toContain('--compare-terragrunt "$RUNNER_TEMP/terragrunt-find.json"');
    expect(find?.run).toContain('> "$RUNNER_TEMP/terragrunt-find.json"');
    expect(check.steps.indexOf(compare as Step)).toBeGreaterThan(check.steps.indexOf(find as Step));
    expect(stepUsing(check, 'aws-actions/configure-aws-credentials')).toBeUndefined();
  });

  it('plans the PR head and uploads the bundle under the name apply looks for', () => {
    const checkout = stepUsing(job, 'actions/checkout');
    expect(checkout?.with?.ref).toBe(ghExpr('github.event.pull_request.head.sha'));
    expect(checkout?.with?.['fetch-depth']).toBe(0);

    const plan = stepRunning(job, 'node tools/infra-ci/dist/cli/main.js plan');
    const out = /--out (\S+)/.exec(plan?.run ?? '')?.[1];
    expect(plan?.run).toContain('--comment');
    expect(plan?.env?.GITHUB_TOKEN).toBe(ghExpr('github.token'));

    const upload = stepUsing(job, 'actions/upload-artifact');
    expect(upload?.with?.path).toBe(out);
    expect(upload?.with?.name).toBe(artifactName(ghExpr('github.event.pull_request.head.sha')));
    // Uploaded only after a successful plan: a failed plan leaves nothing to apply.
    expect(job.steps.indexOf(upload as Step)).toBeGreaterThan(job.steps.indexOf(plan as Step));
    expect(JSON.stringify(upload)).not.toContain('always()');
  });

  it('asks for the plan role and nothing that writes code or runs', () => {
    expect(w.permissions).toEqual({});
    expect(job.permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      'pull-requests': 'write',
    });
    const aws = stepUsing(job, 'aws-actions/configure-aws-credentials');
    expect(aws?.with?.['role-to-assume']).toBe(ghExpr('vars.INFRA_PLAN_ROLE_ARN'));
  });
});

describe('infra-merge.yml', () => {
  const w = workflow('.github/workflows/infra-merge.yml');
  const job = w.jobs.apply as Job;

  it('applies on pushes to main touching infra, one run at a time, never cancelled', () => {
    expect(w.on.push?.branches).toEqual(['main']);
    expect(w.on.push?.paths).toContain('infra/**');
    expect(Object.keys(w.on)).toEqual(['push']);
    expect(w.concurrency).toEqual({ group: 'infra-apply', 'cancel-in-progress': false });
    expect(job.if).toBe("github.ref == 'refs/heads/main'");
  });

  it('runs infra-ci apply for the pushed commit with the apply role and least privilege', () => {
    expect(w.permissions).toEqual({});
    expect(job.permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      actions: 'read',
      'pull-requests': 'write',
    });
    expect(stepUsing(job, 'actions/checkout')?.with?.['fetch-depth']).toBe(0);
    const apply = stepRunning(job, 'node tools/infra-ci/dist/cli/main.js apply');
    expect(apply?.run).toContain('--merge-commit "$GITHUB_SHA"');
    expect(apply?.env?.GITHUB_TOKEN).toBe(ghExpr('github.token'));
    const aws = stepUsing(job, 'aws-actions/configure-aws-credentials');
    expect(aws?.with?.['role-to-assume']).toBe(ghExpr('vars.INFRA_APPLY_ROLE_ARN'));
    expect(job.steps.indexOf(aws as Step)).toBeLessThan(job.steps.indexOf(apply as Step));
  });
});

describe('the OIDC trust policy', () => {
  const oidc = read('infra/environments/prod/global/github-oidc/terragrunt.hcl');
  const mergeEnv = environmentName(workflow('.github/workflows/infra-merge.yml').jobs.apply as Job);
  const appEnv = environmentName(onlyJob(workflow('.github/workflows/app-merge.yml')));
  /** A `publishers` entry of the live unit: its subject and push repository expression. */
  const publisher = (key: string): { subject: string; push: string } => {
    const block = new RegExp(`\\n {4}${key} = \\{([\\s\\S]*?)\\n {4}\\}`).exec(oidc)?.[1] ?? '';
    return {
      subject: /subject\s+= "([^"]+)"/.exec(block)?.[1] ?? '',
      push: /push_repository_arn\s+= (.+)/.exec(block)?.[1] ?? '',
    };
  };
  const subjects = [...oidc.matchAll(/^\s+subject\s+= "([^"]+)"/gm)].map((m) => m[1] as string);

  // Subjects follow the repository's OIDC subject template [repo, context, ref] (infra/docs/first-deployment.md):
  // the environment AND refs/heads/main, so IAM itself refuses other branches.
  it('lets infra-apply be assumed from the infra-merge environment on main only', () => {
    expect(mergeEnv).toBe('infrastructure');
    expect(hclList(oidc, 'apply_subjects')).toEqual([
      `environment:${mergeEnv}:ref:refs/heads/main`,
    ]);
  });

  it('keeps the image workflows out of infra-apply', () => {
    expect(appEnv).toBeDefined();
    expect(appEnv).not.toBe(mergeEnv);
    expect(subjects).not.toContain(`environment:${mergeEnv}:ref:refs/heads/main`);
  });

  // One publish role per image, each trusting only its own workflow's environment on main and
  // pushing only its own repository: app-merge cannot push the failover image, nor the reverse.
  it('gives each image workflow its own publish role and trust subject', () => {
    const images = [
      { file: 'app-merge.yml', key: 'demo-app', roleVar: 'APP_PUBLISH_ROLE_ARN' },
      {
        file: 'failover-image.yml',
        key: 'failover-controller',
        roleVar: 'FAILOVER_PUBLISH_ROLE_ARN',
      },
    ];
    for (const { file, key, roleVar } of images) {
      const job = onlyJob(workflow(`.github/workflows/${file}`));
      // The shared composite assumes the role it is given (.github/actions/publish-image).
      const publish = job.steps.find((s) => s.uses === './.github/actions/publish-image');
      expect(publish?.with?.['role-to-assume'], file).toBe(ghExpr(`vars.${roleVar}`));
      expect(publisher(key).subject, file).toBe(
        `environment:${environmentName(job)}:ref:refs/heads/main`,
      );
    }
    const composite = parse(read('.github/actions/publish-image/action.yml')) as {
      runs: { steps: Step[] };
    };
    const aws = composite.runs.steps.find((s) =>
      s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(aws?.with?.['role-to-assume']).toBe(ghExpr('inputs.role-to-assume'));
    expect(new Set(subjects).size).toBe(images.length);
    expect(publisher('demo-app').push).toContain('local.env.ecr_repository_name');
    expect(publisher('failover-controller').push).toContain(
      'local.env.failover_ecr_repository_name',
    );
  });
});

// Which job can assume which environment-trusted role is decided by its environment alone (the
// `sub` names the environment, not the job): for each such role, the jobs that could mint a token
// with a trusted subject must be exactly the jobs that ask for the role. A job sharing another
// job's environment (release-train's signal job in app-merge's `production`) could otherwise
// assume that job's publish role.
describe('environment trust subjects', () => {
  const oidc = read('infra/environments/prod/global/github-oidc/terragrunt.hcl');
  const block = (name: string): string =>
    new RegExp(`\\n {2,4}${name} = \\{([\\s\\S]*?)\\n {2,4}\\}`).exec(oidc)?.[1] ?? '';
  const publisherSubject = (key: string): string =>
    /subject\s+= "([^"]+)"/.exec(block(key))?.[1] ?? '';
  const roles: { roleVar: string; subjects: string[] }[] = [
    { roleVar: 'INFRA_APPLY_ROLE_ARN', subjects: hclList(oidc, 'apply_subjects') },
    { roleVar: 'APP_PUBLISH_ROLE_ARN', subjects: [publisherSubject('demo-app')] },
    { roleVar: 'FAILOVER_PUBLISH_ROLE_ARN', subjects: [publisherSubject('failover-controller')] },
    { roleVar: 'RELEASE_READ_ROLE_ARN', subjects: hclList(block('release_reader'), 'subjects') },
  ];
  const files = readdirSync(`${root}.github/workflows`).filter((f) => /\.ya?ml$/.test(f));
  const jobs = files.flatMap((f) => {
    const w = workflow(`.github/workflows/${f}`);
    return Object.entries(w.jobs).map(([name, job]) => ({
      where: `${f}:${name}`,
      subject: `environment:${environmentName(job)}:ref:refs/heads/main`,
      mintsToken: (job.permissions ?? w.permissions)?.['id-token'] === 'write',
      roles: job.steps.map((s) => String(s.with?.['role-to-assume'] ?? '')),
    }));
  });

  it.each(roles)(
    '$roleVar is trusted by exactly the jobs that assume it',
    ({ roleVar, subjects }) => {
      expect(subjects.length, roleVar).toBeGreaterThan(0);
      const assuming = jobs.filter((j) => j.roles.includes(ghExpr(`vars.${roleVar}`)));
      const able = jobs.filter((j) => j.mintsToken && subjects.includes(j.subject));
      expect(assuming.length, roleVar).toBeGreaterThan(0);
      expect(able.map((j) => j.where).sort()).toEqual(assuming.map((j) => j.where).sort());
      expect([...new Set(assuming.map((j) => j.subject))].sort()).toEqual([...subjects].sort());
    },
  );
});

describe('the HCL parse cache', () => {
  const files = readdirSync(`${root}.github/workflows`).filter((f) => /\.ya?ml$/.test(f));
  const steps = files.flatMap((f) => {
    const w = workflow(`.github/workflows/${f}`);
    return Object.entries(w.jobs).flatMap(([name, job]) =>
      job.steps.map((step) => ({ file: f, w, name, job, step })),
    );
  });
  const cacheSteps = (kind: RegExp) => steps.filter((s) => kind.test(s.step.uses ?? ''));
  const keyPrefix = (key: unknown): string => String(key).replace(/\$\{\{ github\.sha \}\}$/, '');

  // A PR must not be able to write what main (or another PR) reads: entries are written only by a
  // push run on main; infra-pr only restores.
  it('is saved only by a push run on main', () => {
    const writers = cacheSteps(/^actions\/cache(\/save)?@/);
    expect(writers.map((s) => `${s.file}:${s.name}`)).toEqual(['infra-merge.yml:parse-cache']);
    for (const { w, job } of writers) {
      expect(Object.keys(w.on)).toEqual(['push']);
      expect(w.on.push?.branches).toEqual(['main']);
      expect(job.if).toBe("github.ref == 'refs/heads/main'");
    }
  });

  it('is only restored by infra-pr, under the prefix the main run saves', () => {
    const readers = cacheSteps(/^actions\/cache\/restore@/);
    expect(readers.map((s) => s.file)).toEqual(['infra-pr.yml']);
    const [save] = cacheSteps(/^actions\/cache\/save@/);
    const restore = readers[0]?.step.with ?? {};
    expect(keyPrefix(restore.key)).toBe(keyPrefix(save?.step.with?.key));
    expect(restore['restore-keys']).toBe(keyPrefix(save?.step.with?.key));
    expect(restore.path).toBe(save?.step.with?.path);
  });

  it('is filled on main by the same parser the PR uses (changes over the pushed commit)', () => {
    const job = workflow('.github/workflows/infra-merge.yml').jobs['parse-cache'] as Job;
    const fill = stepRunning(job, 'node tools/infra-ci/dist/cli/main.js changes');
    expect(fill?.env?.INFRA_CI_CACHE_DIR).toBe(`${ghExpr('runner.temp')}/infra-ci-cache`);
    expect(job.permissions).toEqual({ contents: 'read' });
  });
});

describe('the plan role in the clusters', () => {
  const eks = read('infra/environments/_common/eks.hcl');
  const planEntry = /infra_plan = \{[\s\S]*?\n {4}\}/.exec(eks)?.[0] ?? '';

  // PR code runs with the plan role: it may view the cluster, never read Secrets.
  it('views the cluster without Secrets (AmazonEKSViewPolicy, no admin view)', () => {
    expect(planEntry).toContain('principal_arn = local.infra_plan_role_arn');
    const policies = [...planEntry.matchAll(/cluster-access-policy\/(\w+)/g)].map((m) => m[1]);
    expect(policies).toEqual(['AmazonEKSViewPolicy']);
  });

  it('plans the kubernetes units without refreshing Helm releases (kept in Secrets) under that role', () => {
    const plan = stepRunning(
      workflow('.github/workflows/infra-pr.yml').jobs.plan as Job,
      'main.js plan',
    );
    expect(plan?.env?.INFRA_PLAN_NO_REFRESH).toBe('true');
    const k8s = read('infra/environments/_common/kubernetes.hcl');
    expect(k8s).toMatch(
      /commands\s+= \["plan"\]\s+arguments = get_env\("INFRA_PLAN_NO_REFRESH", "false"\) == "true" \? \["-refresh=false"\] : \[\]/,
    );
  });
});
