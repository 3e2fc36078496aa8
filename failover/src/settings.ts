/**
 * Settings that are each valid alone but cannot all hold together. Pure: `contradictions(env)`
 * lists every one; `readEnv` refuses to start with any (exit 2), in the app's message style
 * (app/src/config.ts: the variable, the value, what was expected).
 */
import type { Env } from './env.js';

/** One contradiction, blamed on the variable that is easiest to read as the wrong one. */
export interface Problem {
  name: string;
  value: string | number | readonly string[];
  expected: string;
}

export function formatProblem(p: Problem): string {
  const value = Array.isArray(p.value) ? p.value.join(',') : String(p.value);
  return `invalid ${p.name}=${JSON.stringify(value)}: expected ${p.expected}`;
}

const origin = (url: string): string | null => (URL.canParse(url) ? new URL(url).origin : null);

/** Probes and rounds: quorum, timeout, window (policy.ts and machine.ts `classifyRound`). */
function detection(e: Env): Problem[] {
  const out: Problem[] = [];
  const n = e.PRIMARY_PROBE_URLS.length;
  if (e.PROBE_QUORUM > n) {
    out.push({
      name: 'PROBE_QUORUM',
      value: e.PROBE_QUORUM,
      expected: `at most ${n}, the number of PRIMARY_PROBE_URLS (a round fails only when PROBE_QUORUM probes fail)`,
    });
  } else if (2 * e.PROBE_QUORUM <= n) {
    out.push({
      name: 'PROBE_QUORUM',
      value: e.PROBE_QUORUM,
      expected: `more than half of the ${n} PRIMARY_PROBE_URLS (with fewer, one round is both failed and healthy)`,
    });
  }
  if (e.PROBE_TIMEOUT_MS >= e.PROBE_INTERVAL_MS) {
    out.push({
      name: 'PROBE_TIMEOUT_MS',
      value: e.PROBE_TIMEOUT_MS,
      expected: `below PROBE_INTERVAL_MS (${e.PROBE_INTERVAL_MS}): a round's probes end before the next round`,
    });
  }
  const span = (e.FAILED_ROUNDS - 1) * e.PROBE_INTERVAL_MS;
  if (span > e.FAILURE_WINDOW_MS) {
    out.push({
      name: 'FAILURE_WINDOW_MS',
      value: e.FAILURE_WINDOW_MS,
      expected: `at least ${span} ms, (FAILED_ROUNDS - 1) x PROBE_INTERVAL_MS: otherwise ${e.FAILED_ROUNDS} failed rounds never fit in the window and no failure is ever detected`,
    });
  }
  const reference = origin(e.REFERENCE_URL);
  if (reference !== null && e.PRIMARY_PROBE_URLS.some((u) => origin(u) === reference)) {
    out.push({
      name: 'REFERENCE_URL',
      value: e.REFERENCE_URL,
      expected: `a host other than the PRIMARY_PROBE_URLS' (${reference} is probed as the primary): the reference check must not fail with the primary`,
    });
  }
  return out;
}

/**
 * Leader election, as client-go's NewLeaderElector checks it (kubernetes/kubernetes
 * staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go: leaseDuration > renewDeadline
 * > JitterFactor 1.2 x retryPeriod).
 */
function lease(e: Env): Problem[] {
  const out: Problem[] = [];
  if (e.RENEW_DEADLINE_SECONDS >= e.LEASE_SECONDS) {
    out.push({
      name: 'RENEW_DEADLINE_SECONDS',
      value: e.RENEW_DEADLINE_SECONDS,
      expected: `below LEASE_SECONDS (${e.LEASE_SECONDS}): a leader stops acting before its Lease can be taken`,
    });
  }
  if (1.2 * e.RETRY_PERIOD_MS >= e.RENEW_DEADLINE_SECONDS * 1000) {
    out.push({
      name: 'RETRY_PERIOD_MS',
      value: e.RETRY_PERIOD_MS,
      expected: `below RENEW_DEADLINE_SECONDS / 1.2 (${Math.ceil((e.RENEW_DEADLINE_SECONDS * 1000) / 1.2)} ms): a leader gets a second renewal attempt before its deadline`,
    });
  }
  return out;
}

/** Capacity, endpoint groups and deadlines. */
function acting(e: Env): Problem[] {
  const out: Problem[] = [];
  if (e.STANDBY_MIN_REPLICAS > e.FAILED_OVER_MIN_REPLICAS) {
    out.push({
      name: 'STANDBY_MIN_REPLICAS',
      value: e.STANDBY_MIN_REPLICAS,
      expected: `at most FAILED_OVER_MIN_REPLICAS (${e.FAILED_OVER_MIN_REPLICAS}): failing over must not lower the standby's capacity`,
    });
  }
  if (e.GA_STANDBY_ENDPOINT_GROUP_ARN === e.GA_PRIMARY_ENDPOINT_GROUP_ARN) {
    out.push({
      name: 'GA_STANDBY_ENDPOINT_GROUP_ARN',
      value: e.GA_STANDBY_ENDPOINT_GROUP_ARN,
      expected: 'an endpoint group other than GA_PRIMARY_ENDPOINT_GROUP_ARN',
    });
  }
  // observe.ts asks the witnesses alongside the probes: a longer deadline would delay the round
  if (e.ADVISORY_TIMEOUT_MS > e.PROBE_TIMEOUT_MS) {
    out.push({
      name: 'ADVISORY_TIMEOUT_MS',
      value: e.ADVISORY_TIMEOUT_MS,
      expected: `at most PROBE_TIMEOUT_MS (${e.PROBE_TIMEOUT_MS}): the witnesses, asked alongside the probes, never delay a round`,
    });
  }
  const calls = ['PROBE_TIMEOUT_MS', 'ADVISORY_TIMEOUT_MS', 'KUBE_TIMEOUT_MS', 'AWS_TIMEOUT_MS'];
  for (const name of calls as readonly (keyof Env & `${string}_TIMEOUT_MS`)[]) {
    if (e[name] >= e.ROUND_TIMEOUT_MS) {
      out.push({
        name,
        value: e[name],
        expected: `below ROUND_TIMEOUT_MS (${e.ROUND_TIMEOUT_MS}): a call's own deadline comes before the round's`,
      });
    }
  }
  return out;
}

/** Every contradiction among the parsed settings, in a stable order (empty when none). */
export function contradictions(env: Env): Problem[] {
  return [...detection(env), ...lease(env), ...acting(env)];
}
