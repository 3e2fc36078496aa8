import {
  DescribeEndpointGroupCommand,
  type GlobalAcceleratorClient,
  UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator';
import { describeError, FailoverError } from './errors.js';

/** GA error names worth retrying (the API is a us-west-2 control plane outside both regions). */
const retryable = new Set([
  'ThrottlingException',
  'TransactionInProgressException',
  'InternalServiceErrorException',
]);

export interface GaOptions {
  client: GlobalAcceleratorClient;
  /** Endpoint group ARNs: the primary region's and the standby region's. */
  groups: { primary: string; standby: string };
  maxAttempts: number;
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Returns [0, 1); full jitter. */
  random: () => number;
}

export interface Dial {
  group: 'primary' | 'standby';
  percent: number;
}

/** Global Accelerator adapter: dial changes (only EndpointGroupArn + TrafficDialPercentage) and health. */
export class GaAdapter {
  constructor(private readonly opts: GaOptions) {}

  /** Applies dials in order; each call retried with exponential backoff + full jitter. */
  async setDials(dials: readonly Dial[]): Promise<void> {
    for (const dial of dials) {
      const input = {
        EndpointGroupArn: this.opts.groups[dial.group],
        TrafficDialPercentage: dial.percent,
      };
      await this.withRetry(`UpdateEndpointGroup ${dial.group}=${dial.percent}%`, () =>
        this.opts.client.send(new UpdateEndpointGroupCommand(input)),
      );
    }
  }

  /** True when at least one endpoint of the primary group is HEALTHY (advisory). */
  async primaryHealthy(): Promise<boolean> {
    const out = await this.withRetry('DescribeEndpointGroup primary', () =>
      this.opts.client.send(
        new DescribeEndpointGroupCommand({ EndpointGroupArn: this.opts.groups.primary }),
      ),
    );
    const endpoints = out.EndpointGroup?.EndpointDescriptions ?? [];
    return endpoints.some((e) => e.HealthState === 'HEALTHY');
  }

  private async withRetry<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        const again = retryable.has(name) && attempt < this.opts.maxAttempts;
        if (!again) {
          throw new FailoverError(
            'GA',
            `${what} failed after ${attempt} attempt(s): ${describeError(error)}`,
            retryable.has(name),
          );
        }
        const cap = this.opts.baseDelayMs * 2 ** (attempt - 1);
        await this.opts.sleep(Math.floor(this.opts.random() * cap));
      }
    }
  }
}
