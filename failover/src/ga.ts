import {
  DescribeEndpointGroupCommand,
  GlobalAcceleratorClient,
  UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator';
import { bounded, callSignal, describeError, FailoverError, sleep } from './errors.js';

/** GA error names worth retrying (the API is a us-west-2 control plane outside both regions). */
const retryable = new Set([
  'ThrottlingException',
  'TransactionInProgressException',
  'InternalServiceErrorException',
  'TimeoutError',
]);

/**
 * The GA client: the SDK's own retries are OFF (maxAttempts 1) because GaAdapter retries with its
 * own backoff inside the caller's deadline; stacking both would multiply attempts past it.
 */
export function gaClient(
  region: string,
  endpoint?: string,
  credentials?: { accessKeyId: string; secretAccessKey: string },
): GlobalAcceleratorClient {
  return new GlobalAcceleratorClient({
    region,
    maxAttempts: 1,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
}

export interface GaOptions {
  client: GlobalAcceleratorClient;
  /** Endpoint group ARNs: the primary region's and the standby region's. */
  groups: { primary: string; standby: string };
  maxAttempts: number;
  baseDelayMs: number;
  /** Deadline of each single API call. */
  callTimeoutMs: number;
  /** Returns [0, 1); full jitter. */
  random: () => number;
  /** Backoff sleep (tests record it); ends early when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface Dial {
  group: 'primary' | 'standby';
  percent: number;
}

/** Global Accelerator adapter: dial changes (only EndpointGroupArn + TrafficDialPercentage) and health. */
export class GaAdapter {
  constructor(private readonly opts: GaOptions) {}

  /** Applies dials in order; each call retried with exponential backoff + full jitter, until `signal`. */
  async setDials(dials: readonly Dial[], signal?: AbortSignal): Promise<void> {
    for (const dial of dials) {
      const input = {
        EndpointGroupArn: this.opts.groups[dial.group],
        TrafficDialPercentage: dial.percent,
      };
      await this.withRetry(`UpdateEndpointGroup ${dial.group}=${dial.percent}%`, signal, (s) =>
        this.opts.client.send(new UpdateEndpointGroupCommand(input), { abortSignal: s }),
      );
    }
  }

  /**
   * GA's own view of the primary (an independent witness): true when at least one endpoint of the
   * primary group is HEALTHY. Shape per the API reference, DescribeEndpointGroup response
   * EndpointGroup.EndpointDescriptions[].HealthState = INITIAL | HEALTHY | UNHEALTHY
   * (https://docs.aws.amazon.com/global-accelerator/latest/api/API_DescribeEndpointGroup.html).
   * One attempt: it is advisory and must never hold up a round.
   */
  async primaryHealthy(signal?: AbortSignal): Promise<boolean> {
    const limit = callSignal(signal, this.opts.callTimeoutMs);
    try {
      const out = await bounded(
        this.opts.client.send(
          new DescribeEndpointGroupCommand({ EndpointGroupArn: this.opts.groups.primary }),
          { abortSignal: limit },
        ),
        limit,
        'DescribeEndpointGroup primary',
      );
      const endpoints = out.EndpointGroup?.EndpointDescriptions ?? [];
      return endpoints.some((e) => e.HealthState === 'HEALTHY');
    } catch (error) {
      if (error instanceof FailoverError) throw error;
      throw new FailoverError(
        'GA',
        `DescribeEndpointGroup primary failed: ${describeError(error)}`,
      );
    }
  }

  private async withRetry<T>(
    what: string,
    signal: AbortSignal | undefined,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const limit = callSignal(signal, this.opts.callTimeoutMs);
      try {
        return await bounded(call(limit), limit, what);
      } catch (error) {
        if (signal?.aborted)
          throw error instanceof FailoverError
            ? error
            : new FailoverError('TIMEOUT', `${what}: ${describeError(error)}`);
        const name = error instanceof Error ? error.name : '';
        const again =
          (retryable.has(name) || (error instanceof FailoverError && error.code === 'TIMEOUT')) &&
          attempt < this.opts.maxAttempts;
        if (!again) {
          throw new FailoverError(
            'GA',
            `${what} failed after ${attempt} attempt(s): ${describeError(error)}`,
            retryable.has(name),
          );
        }
        const cap = this.opts.baseDelayMs * 2 ** (attempt - 1);
        await (this.opts.sleep ?? sleep)(Math.floor(this.opts.random() * cap), signal);
      }
    }
  }
}
