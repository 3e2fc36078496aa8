import { GetHealthCheckStatusCommand, Route53Client } from '@aws-sdk/client-route-53';
import { bounded, callSignal, describeError, FailoverError } from './errors.js';

/**
 * Route 53 health checks of the primary's endpoint (created by infra/modules/primary-health-check):
 * checkers in several AWS regions, a vantage point independent of the standby's network path.
 *
 * Shape per the API reference: GetHealthCheckStatus returns HealthCheckObservations[], one per
 * checker, each with Region, IPAddress and StatusReport { Status, CheckedTime }, where Status is a
 * description that starts with "Success" or "Failure"
 * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHealthCheckStatus.html,
 *  https://docs.aws.amazon.com/Route53/latest/APIReference/API_StatusReport.html).
 * Route 53 itself considers an endpoint healthy when more than 18 % of its checkers report it
 * healthy (Route 53 developer guide, "How Route 53 determines whether a health check is healthy");
 * `healthyFromObservations` applies the same rule.
 */
export function route53Client(endpoint?: string): Route53Client {
  // Route 53 is a global API (us-east-1); SDK retries off: one attempt per round, bounded.
  return new Route53Client({
    region: 'us-east-1',
    maxAttempts: 1,
    ...(endpoint ? { endpoint } : {}),
  });
}

export interface Observation {
  StatusReport?: { Status?: string | undefined } | undefined;
}

/** Pure: Route 53's rule (> 18 % of checkers healthy); null when no checker reported. */
export function healthyFromObservations(observations: readonly Observation[]): boolean | null {
  if (observations.length === 0) return null;
  const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
  return healthy / observations.length > 0.18;
}

export class Route53Adapter {
  constructor(
    private readonly client: Route53Client,
    /** One health check per primary endpoint; the primary is healthy if any of them is. */
    private readonly healthCheckIds: readonly string[],
    private readonly callTimeoutMs: number,
  ) {}

  async primaryHealthy(signal?: AbortSignal): Promise<boolean | null> {
    const limit = callSignal(signal, this.callTimeoutMs);
    try {
      const verdicts = await Promise.all(
        this.healthCheckIds.map(async (HealthCheckId) => {
          const out = await bounded(
            this.client.send(new GetHealthCheckStatusCommand({ HealthCheckId }), {
              abortSignal: limit,
            }),
            limit,
            `GetHealthCheckStatus ${HealthCheckId}`,
          );
          return healthyFromObservations(out.HealthCheckObservations ?? []);
        }),
      );
      if (verdicts.includes(true)) return true;
      return verdicts.includes(false) ? false : null;
    } catch (error) {
      if (error instanceof FailoverError) throw error;
      throw new FailoverError('ROUTE53', `GetHealthCheckStatus failed: ${describeError(error)}`);
    }
  }
}
