import type { ControllerDeps } from './controller-deps.js';
import { bounded, callSignal, describeError } from './errors.js';
import type { RoundEvent } from './state.js';

/**
 * One round: the probes, and the witnesses in parallel with them; witnesses are advisory: null
 * when slow or failing. The controller asks them (`askWitnesses`) only as leader and only while the
 * previous round failed: the machine needs them at the FAILED_ROUNDS-th failed round, never on a
 * healthy primary, and GetHealthCheckStatus is not meant for high query rates (Route 53 API
 * reference).
 */
export async function observeRound(
  d: Pick<
    ControllerDeps,
    'advisoryTimeoutMs' | 'log' | 'route53' | 'ga' | 'probeRound' | 'metrics'
  >,
  askWitnesses: boolean,
  signal: AbortSignal,
): Promise<RoundEvent> {
  const advisory = callSignal(signal, d.advisoryTimeoutMs);
  const witness = async (name: string, call: () => Promise<boolean | null>) => {
    if (!askWitnesses) return null;
    try {
      return await bounded(call(), advisory, name);
    } catch (error) {
      d.log.warn({ err: describeError(error) }, `${name} health unavailable (advisory)`);
      return null;
    }
  };
  const r53 = d.route53;
  const [probes, ga, route53] = await Promise.all([
    d.probeRound(signal),
    witness('GA', () => d.ga.primaryHealthy(advisory)),
    r53 ? witness('Route 53', () => r53.primaryHealthy(advisory)) : Promise.resolve(null),
  ]);
  d.metrics.probes(probes);
  return { type: 'round', ...probes, gaPrimaryHealthy: ga, r53PrimaryHealthy: route53 };
}
