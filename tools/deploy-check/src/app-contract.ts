/**
 * What the demo service (`app/`) promises the platform, written down once for the checks that hold
 * the manifests to it. The values are copied here (the `app-config` check loads the app's parser
 * at run time, io/app-config.ts, but these pure checks take no app import); `test/lifecycle.test.ts`
 * imports the app's `ENV_DEFAULTS` (`@demo-app/app/config`) to prove they still match.
 *
 * - Endpoints (app/README.md "Endpoints"): readiness `GET /readyz` (503 while starting or draining),
 *   liveness `GET /healthz`.
 * - Shutdown (`app/src/shutdown.ts`): at SIGTERM readiness turns 503 and the server keeps serving for
 *   `SHUTDOWN_DELAY_MS`, then closes the listener and drains for at most `SHUTDOWN_TIMEOUT_MS`
 *   (counted from the end of the delay); the final flush is bounded by what is left of that timeout.
 *   So the whole budget is delay + timeout, and the pod's `terminationGracePeriodSeconds` must be
 *   larger, or the kubelet SIGKILLs requests still draining. An empty variable counts as unset
 *   (`app/src/config.ts`), so the app's default applies.
 */
export const APP_CONTRACT = {
  readinessPath: '/readyz',
  livenessPath: '/healthz',
  shutdownDelay: { variable: 'SHUTDOWN_DELAY_MS', defaultMs: 5000 },
  shutdownTimeout: { variable: 'SHUTDOWN_TIMEOUT_MS', defaultMs: 10000 },
} as const;

/** Kubernetes' default `terminationGracePeriodSeconds` when a pod spec does not set it. */
export const DEFAULT_GRACE_SECONDS = 30;
