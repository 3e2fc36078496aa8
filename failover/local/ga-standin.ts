/**
 * LOCAL STAND-IN for AWS Global Accelerator — not GA. One HTTP port proxies client traffic to two
 * endpoint groups (primary, standby) honouring traffic dials and health-based failover the way GA
 * documents it (an unhealthy group's traffic goes to the healthy one, ignoring the dial); another
 * port answers the GA API calls the controller makes (UpdateEndpointGroup, DescribeEndpointGroup,
 * AWS JSON 1.1 protocol, X-Amz-Target GlobalAccelerator_V20180706.*).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward } from './forward.js';

interface Group {
  arn: string;
  url: string;
  dial: number;
  healthy: boolean;
  fails: number;
  passes: number;
}

export interface StandIn {
  proxyUrl: string;
  apiUrl: string;
  groups: { primary: Group; standby: Group };
  /** While on, DescribeEndpointGroup calls get no answer at all (a hung control plane). */
  hangDescribe(on: boolean): void;
  close(): Promise<void>;
}

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** Health checks of each group: 2 failures → unhealthy, 2 passes → healthy (NLB-style). */
function checkHealth(groups: readonly Group[], intervalMs: number): NodeJS.Timeout {
  return setInterval(() => {
    for (const g of groups) {
      fetch(`${g.url}/readyz`, { signal: AbortSignal.timeout(Math.max(200, intervalMs * 0.8)) })
        .then((r) => r.status === 200)
        .catch(() => false)
        .then((ok) => {
          g.fails = ok ? 0 : g.fails + 1;
          g.passes = ok ? g.passes + 1 : 0;
          if (g.fails >= 2) g.healthy = false;
          if (g.passes >= 2) g.healthy = true;
        });
    }
  }, intervalMs);
}

/** Client traffic: an unhealthy group's share goes to the healthy one, else by the dials. */
function trafficProxy(groups: StandIn['groups']): http.Server {
  const pick = (): Group => {
    const { primary, standby } = groups;
    if (!primary.healthy) return standby;
    if (!standby.healthy) return primary;
    return Math.random() * 100 < primary.dial ? primary : standby;
  };
  return http.createServer((req, res) => {
    const target = pick();
    forward(req, res, target.url, 2000, 'endpoint unreachable');
  });
}

/** The GA API: UpdateEndpointGroup and DescribeEndpointGroup, or no answer while `hanging()`. */
function gaApi(groups: StandIn['groups'], hanging: () => boolean): http.Server {
  return http.createServer((req, res) => {
    if (hanging() && String(req.headers['x-amz-target'] ?? '').endsWith('.DescribeEndpointGroup')) {
      return; // never answered: the caller's deadline must end it
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.')[1];
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        EndpointGroupArn?: string;
        TrafficDialPercentage?: number;
      };
      const group = Object.values(groups).find((g) => g.arn === body.EndpointGroupArn);
      const send = (code: number, payload: unknown) => {
        res.writeHead(code, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (!group)
        return send(400, { __type: 'EndpointGroupNotFoundException', message: 'no group' });
      if (op === 'UpdateEndpointGroup' && body.TrafficDialPercentage !== undefined) {
        group.dial = body.TrafficDialPercentage;
      }
      // The documented response shape (DescribeEndpointGroup / UpdateEndpointGroup both return
      // EndpointGroup with EndpointDescriptions[].HealthState INITIAL | HEALTHY | UNHEALTHY):
      // https://docs.aws.amazon.com/global-accelerator/latest/api/API_DescribeEndpointGroup.html
      send(200, {
        EndpointGroup: {
          EndpointGroupArn: group.arn,
          TrafficDialPercentage: group.dial,
          EndpointDescriptions: [
            { EndpointId: group.url, HealthState: group.healthy ? 'HEALTHY' : 'UNHEALTHY' },
          ],
        },
      });
    });
  });
}

/**
 * `healthIntervalMs`: time between health checks of each group (NLB-style: unhealthy after 2
 * failures, healthy after 2 passes). 1 s by default; real NLB checks are 10–30 s apart.
 */
export async function startGaStandIn(
  primaryUrl: string,
  standbyUrl: string,
  healthIntervalMs = 1000,
): Promise<StandIn> {
  const mk = (arn: string, url: string, dial: number): Group => ({
    arn,
    url,
    dial,
    healthy: true,
    fails: 0,
    passes: 0,
  });
  const groups = {
    primary: mk('arn:local:endpoint-group/primary', primaryUrl, 100),
    standby: mk('arn:local:endpoint-group/standby', standbyUrl, 0),
  };
  const timer = checkHealth(Object.values(groups), healthIntervalMs);
  let hanging = false;
  const proxy = trafficProxy(groups);
  const api = gaApi(groups, () => hanging);
  const [proxyUrl, apiUrl] = await Promise.all([listen(proxy), listen(api)]);
  return {
    proxyUrl,
    apiUrl,
    groups,
    hangDescribe: (on) => {
      hanging = on;
    },
    close: async () => {
      clearInterval(timer);
      proxy.closeAllConnections();
      api.closeAllConnections();
      await Promise.all(
        [proxy, api].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
    },
  };
}
