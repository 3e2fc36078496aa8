import {
  DescribeEndpointGroupCommand,
  GlobalAcceleratorClient,
  InternalServiceErrorException,
  UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { FailoverError } from '../src/errors.js';
import { GaAdapter } from '../src/ga.js';

const ga = mockClient(GlobalAcceleratorClient);
const groups = {
  primary: 'arn:aws:globalaccelerator::111122223333:accelerator/a/listener/l/endpoint-group/p',
  standby: 'arn:aws:globalaccelerator::111122223333:accelerator/a/listener/l/endpoint-group/s',
};

function adapter(sleeps: number[] = []) {
  return new GaAdapter({
    client: new GlobalAcceleratorClient({ region: 'us-west-2' }),
    groups,
    maxAttempts: 4,
    baseDelayMs: 100,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
}

/** GA has no modelled ThrottlingException class; the SDK raises a ServiceException with that name. */
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

describe('GaAdapter', () => {
  beforeEach(() => ga.reset());

  it('sends only EndpointGroupArn and TrafficDialPercentage, standby first', async () => {
    ga.on(UpdateEndpointGroupCommand).resolves({});
    await adapter().setDials([
      { group: 'standby', percent: 100 },
      { group: 'primary', percent: 0 },
    ]);
    expect(ga.commandCalls(UpdateEndpointGroupCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointGroupArn: groups.standby, TrafficDialPercentage: 100 },
      { EndpointGroupArn: groups.primary, TrafficDialPercentage: 0 },
    ]);
  });

  it('retries throttling with growing jittered backoff, then succeeds', async () => {
    ga.on(UpdateEndpointGroupCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(new InternalServiceErrorException({ message: 'boom', $metadata: {} }))
      .resolves({});
    const sleeps: number[] = [];
    await adapter(sleeps).setDials([{ group: 'standby', percent: 100 }]);
    expect(sleeps).toEqual([50, 100]);
    expect(ga.commandCalls(UpdateEndpointGroupCommand)).toHaveLength(3);
  });

  it('gives up after maxAttempts with a retryable GA error', async () => {
    ga.on(UpdateEndpointGroupCommand).rejects(throttled());
    const error = await adapter()
      .setDials([{ group: 'standby', percent: 100 }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FailoverError);
    expect(error).toMatchObject({ code: 'GA', retryable: true });
    expect(ga.commandCalls(UpdateEndpointGroupCommand)).toHaveLength(4);
  });

  it('does not retry a validation error', async () => {
    const bad = Object.assign(new Error('bad dial'), { name: 'InvalidArgumentException' });
    ga.on(UpdateEndpointGroupCommand).rejects(bad);
    await expect(adapter().setDials([{ group: 'primary', percent: 0 }])).rejects.toMatchObject({
      code: 'GA',
      retryable: false,
    });
    expect(ga.commandCalls(UpdateEndpointGroupCommand)).toHaveLength(1);
  });

  it('reports primary health from endpoint descriptions', async () => {
    ga.on(DescribeEndpointGroupCommand, { EndpointGroupArn: groups.primary }).resolves({
      EndpointGroup: {
        EndpointDescriptions: [{ EndpointId: 'nlb', HealthState: 'UNHEALTHY' }],
      },
    });
    expect(await adapter().primaryHealthy()).toBe(false);
  });
});
