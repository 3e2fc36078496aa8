import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeEndpointGroupCommand,
  GlobalAcceleratorClient,
  InternalServiceErrorException,
  UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator';
import {
  GetHealthCheckStatusCommand,
  type HealthCheckRegion,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { FailoverError } from '../src/errors.js';
import { GaAdapter, gaClient } from '../src/ga.js';
import { healthyFromObservations, Route53Adapter, route53Client } from '../src/route53.js';

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
    callTimeoutMs: 1000,
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

describe('GA and Route 53 deadlines and shapes (issue #14)', () => {
  it('the GA client does not retry on its own (ours retries; the two never stack)', async () => {
    expect(await gaClient('us-west-2').config.maxAttempts()).toBe(1);
    expect(await route53Client().config.maxAttempts()).toBe(1);
  });

  it('a hanging DescribeEndpointGroup fails within its deadline instead of stalling', async () => {
    ga.restore(); // the real SDK against a local server that never answers
    const sockets = new Set<import('node:net').Socket>();
    const server = http.createServer(() => {});
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const adapter = new GaAdapter({
        client: gaClient('us-west-2', `http://127.0.0.1:${port}`, {
          accessKeyId: 'x',
          secretAccessKey: 'x',
        }),
        groups,
        maxAttempts: 3,
        baseDelayMs: 10,
        callTimeoutMs: 300,
        random: () => 0,
      });
      const started = Date.now();
      await expect(adapter.primaryHealthy()).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

const r53 = mockClient(Route53Client);

describe('Route53Adapter', () => {
  beforeEach(() => r53.reset());
  // GetHealthCheckStatus response shape from the API reference:
  // HealthCheckObservations[] { Region, IPAddress, StatusReport { Status, CheckedTime } }
  // https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHealthCheckStatus.html
  const obs = (region: HealthCheckRegion, status: string) => ({
    Region: region,
    IPAddress: '15.177.0.1',
    StatusReport: { Status: status, CheckedTime: new Date(0) },
  });

  it('healthy when more than 18 % of the checkers report Success (Route 53 own rule)', async () => {
    r53.on(GetHealthCheckStatusCommand).resolves({
      HealthCheckObservations: [
        obs('us-east-1', 'Success: HTTP Status Code 200, OK'),
        obs('eu-west-1', 'Failure: Connection timed out.'),
        obs('ap-southeast-1', 'Failure: Connection timed out.'),
        obs('us-west-1', 'Failure: Connection timed out.'),
      ],
    });
    expect(await new Route53Adapter(new Route53Client({}), ['hc-1'], 1000).primaryHealthy()).toBe(
      true,
    );
  });

  it('unhealthy when (almost) every checker reports Failure; unknown without observations', () => {
    expect(healthyFromObservations([obs('us-east-1', 'Failure: HTTP Status Code 503')])).toBe(
      false,
    );
    expect(
      healthyFromObservations([
        ...Array.from({ length: 9 }, () => obs('eu-west-1', 'Failure: Connection timed out.')),
        obs('us-east-1', 'Success: HTTP Status Code 200, OK'),
      ]),
    ).toBe(false);
    expect(healthyFromObservations([])).toBeNull();
  });
});
