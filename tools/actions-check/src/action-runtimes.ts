/**
 * The runtime of every third-party action this repository pins, read from the action's own
 * `action.yml` at the pinned commit (a snapshot of the action's repository; `git show
 * <sha>:action.yml`, key `runs.using`). GitHub-hosted runners run JavaScript actions on the Node
 * the action declares and retire old ones (node16 went, node20 is deprecated): a `node20` pin will
 * first warn, then be forced onto Node 24, then fail. Composite actions run nothing themselves, so
 * the actions they nest are listed too. Adding or moving a pin means adding its row here after
 * reading its `action.yml` (tools/actions-check/README.md, "Moving an action pin").
 *
 * Where the rows come from (2026-12): a snapshot of each action's GitHub repository, the SHA being
 * `git rev-parse <tag>^{commit}` of the release tag and `using` the `runs.using` of `action.yml`
 * (`action.yaml` for trivy-action) at that SHA. The previous pins (checkout v4.2.2, setup-node
 * v4.4.0, upload-artifact v4.6.2, cache v4.2.3, configure-aws-credentials v4.0.2, kind-action
 * v1.12.0, setup-terraform v3.1.2, setup-tflint v4.0.0) all declare `node20`.
 * actions/create-github-app-token: v3.1.1 is the newest tag of the snapshot; public workflows
 * also pin v3.2.0 (bcd2ba49218906704ab6c1aa796996da409d3eb1), not in the snapshot, so not used.
 */
export interface PinnedAction {
  /** The release the SHA is (the `# vX.Y.Z` comment). */
  readonly version: string;
  /** `runs.using` of the action at that commit. */
  readonly using: 'node24' | 'node20' | 'composite' | 'docker';
  /** Third-party actions a composite action uses, as `owner/name[/path]@sha`. */
  readonly nests?: readonly string[];
}

/** Key: `owner/name[/path]@<40-hex sha>`, as written after `uses:`. */
export const PINNED_ACTIONS: Readonly<Record<string, PinnedAction>> = {
  'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1': {
    version: 'v7.0.1',
    using: 'node24',
  },
  'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020': {
    version: 'v7.0.0',
    using: 'node24',
  },
  'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f': {
    version: 'v7.0.0',
    using: 'node24',
  },
  // actions/cache v5.0.5: save/action.yml and restore/action.yml both `node24`.
  'actions/cache/save@27d5ce7f107fe9357f9df03efb73ab90386fccae': {
    version: 'v5.0.5',
    using: 'node24',
  },
  'actions/cache/restore@27d5ce7f107fe9357f9df03efb73ab90386fccae': {
    version: 'v5.0.5',
    using: 'node24',
  },
  'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c': {
    version: 'v6.2.3',
    using: 'node24',
  },
  'actions/create-github-app-token@1b10c78c7865c340bc4f6099eb2f838309f1e8c3': {
    version: 'v3.1.1',
    using: 'node24',
  },
  'helm/kind-action@92086f6be054225fa813e0a4b13787fc9088faab': {
    version: 'v1.13.0',
    using: 'node24',
  },
  'aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25': {
    version: 'v0.36.0',
    using: 'composite',
    // action.yaml at v0.36.0; setup-trivy v0.2.6 is itself composite over actions/cache v5.0.1 and
    // actions/checkout v6.0.1, both node24.
    nests: [
      'aquasecurity/setup-trivy@3fb12ec12f41e471780db15c232d5dd185dcb514',
      'actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae',
    ],
  },
};

/** Runtimes the GitHub-hosted runners run without a deprecation (2026-12). */
export const CURRENT_RUNTIMES: ReadonlySet<PinnedAction['using']> = new Set([
  'node24',
  'composite',
  'docker',
]);

export interface RuntimeProblem {
  readonly uses: string;
  readonly message: string;
}

/** Problems of one `uses:` (third-party, pinned by SHA) against the table. */
export function runtimeProblems(uses: string, comment: string | undefined): RuntimeProblem[] {
  if (uses.startsWith('./') || uses.startsWith('docker://')) return [];
  const known = PINNED_ACTIONS[uses];
  if (known === undefined) {
    return [
      {
        uses,
        message: `${uses}: not in src/action-runtimes.ts — read runs.using of its action.yml at that SHA and add it`,
      },
    ];
  }
  const problems: RuntimeProblem[] = [];
  if (!CURRENT_RUNTIMES.has(known.using)) {
    problems.push({
      uses,
      message: `${uses}: runs on ${known.using}; pin a release that runs on node24`,
    });
  }
  if ((comment ?? '').trim() !== known.version) {
    problems.push({
      uses,
      message: `${uses}: the comment says "${(comment ?? '').trim()}", the SHA is ${known.version}`,
    });
  }
  return problems;
}
