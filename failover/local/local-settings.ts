/**
 * The local environment's settings (pure): the demo-speed policy `npm run local` uses, the probe
 * timeout of its replicas, and the environment its CLI (`failover --local`) runs with.
 */
import { defaultPolicy, type Policy } from '../src/policy.js';

/**
 * Production detection; failback waits shortened as in the drill (primary healthy 20 s, cool-down
 * 10 s instead of 10 min / 5 min), so a failback can be tried within a minute.
 */
export const demoPolicy: Policy = {
  ...defaultPolicy,
  failbackHealthyMs: 20_000,
  failbackCooldownMs: 10_000,
};

/** The replicas' probe timeout: ≤ 1.5 s, ≥ 1 s on a loaded machine (the drill test's 500 ms rounds). */
export const probeTimeoutOf = (policy: Policy): number =>
  Math.max(1000, Math.min(1500, policy.intervalMs * 0.75));

/** The replicas' witness deadline: ≤ their probe timeout, as the CLI's checks require. */
export const advisoryTimeoutOf = (policy: Policy): number =>
  Math.max(300, Math.min(1500, policy.intervalMs * 0.75));

export interface LocalAddresses {
  primaryUrls: readonly string[];
  referenceUrl: string;
  capacityUrl: string;
  gaApiUrl: string;
  groups: { primary: string; standby: string };
  kubeUrl: string;
}

/**
 * The environment for the real CLI (`status`, `failover`, `failback`, `--dry-run`) against this
 * setup: the stand-ins' addresses and the settings its decisions use (the failback waits, the
 * floors). Detection settings are left at their defaults: the CLI does not probe, and a shortened
 * test policy (500 ms rounds with ≥ 1 s probe timeouts) would not pass its contradiction checks.
 */
export function cliEnvOf(a: LocalAddresses, policy: Policy): Record<string, string> {
  return {
    PRIMARY_PROBE_URLS: a.primaryUrls.join(','),
    REFERENCE_URL: a.referenceUrl,
    PRIMARY_CAPACITY_URL: a.capacityUrl,
    GA_PRIMARY_ENDPOINT_GROUP_ARN: a.groups.primary,
    GA_STANDBY_ENDPOINT_GROUP_ARN: a.groups.standby,
    GA_ENDPOINT: a.gaApiUrl,
    KUBE_API_SERVER: a.kubeUrl,
    KUBE_TOKEN_FILE: '/nonexistent',
    KUBE_CA_FILE: '/nonexistent',
    POD_NAME: 'local-cli',
    PROBE_TIMEOUT_MS: String(probeTimeoutOf(policy)),
    ADVISORY_TIMEOUT_MS: String(advisoryTimeoutOf(policy)),
    FAILED_OVER_MIN_REPLICAS: String(policy.failedOverMinReplicas),
    STANDBY_MIN_REPLICAS: String(policy.standbyMinReplicas),
    WAIT_READY_TIMEOUT_MS: String(policy.waitReadyTimeoutMs),
    FAILBACK_HEALTHY_MS: String(policy.failbackHealthyMs),
    FAILBACK_COOLDOWN_MS: String(policy.failbackCooldownMs),
  };
}
