import type { Metrics } from './metrics.js';

/** Most measurements kept while the metrics SDK loads; later ones are counted and dropped. */
export const MAX_PENDING = 10_000;

/** Metrics whose SDK is still loading: measurements are buffered and replayed once it is up. */
export interface DeferredMetrics extends Metrics {
  /** Resolves when the SDK is loaded and the buffer replayed. */
  readonly loaded: Promise<void>;
  /** Measurements dropped because the buffer was full. */
  dropped(): number;
}

type Pending = [method: string, route: string, status: number, seconds: number];

/**
 * Wraps a loader of the real metrics (a dynamic import of the OpenTelemetry SDK) so the server can
 * listen before the SDK is loaded. `render` and `shutdown` wait for the load.
 */
export function deferMetrics(load: () => Promise<Metrics>): DeferredMetrics {
  let real: Metrics | undefined;
  let pending: Pending[] = [];
  let dropped = 0;
  const ready = load().then((metrics) => {
    for (const [method, route, status, seconds] of pending) {
      metrics.recordRequest(method, route, status, seconds);
    }
    pending = [];
    real = metrics;
    return metrics;
  });
  return {
    loaded: ready.then(() => undefined),
    dropped: () => dropped,
    recordRequest(method, route, status, seconds) {
      if (real !== undefined) real.recordRequest(method, route, status, seconds);
      else if (pending.length < MAX_PENDING) pending.push([method, route, status, seconds]);
      else dropped++;
    },
    render: () => ready.then((metrics) => metrics.render()),
    shutdown: () => ready.then((metrics) => metrics.shutdown()),
  };
}
