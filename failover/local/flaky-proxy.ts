/**
 * TEST DEVICE for the drill's flapping phase — not part of the controller. An HTTP proxy on
 * 127.0.0.1 that forwards GET requests to `target`; while `flap(n)` is on, every n-th request it
 * receives fails instead, alternating between answering 503 and dropping the connection (socket
 * destroyed, no response). `flap(0)` makes it transparent again. The local environment puts it
 * between the controller's prober and the primary, so "1 probe in 3 fails" really happens on the
 * wire.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward } from './forward.js';

export interface FlakyStats {
  /** Requests received since the last `flap()` call. */
  requests: number;
  /** Of those, answered 503 or dropped. */
  failed: number;
}

export interface FlakyProxy {
  url: string;
  /** Fail every n-th request from now on (0 = forward everything); resets the stats. */
  flap(n: number): void;
  /**
   * Fail whole probe rounds: of every `failed + 1` rounds of `perRound` requests, the first
   * `failed` fail entirely and the last passes (a near miss of N consecutive failed rounds);
   * resets the stats.
   */
  flapRounds(failed: number, perRound: number): void;
  stats(): FlakyStats;
  close(): Promise<void>;
}

/** Whether the `seq`-th request (1-based) fails when every `every`-th one should (0 = never). */
export function failsAt(seq: number, every: number): boolean {
  return every > 0 && seq % every === 0;
}

/** Whether the `seq`-th request (1-based) fails when `failed` of every `failed + 1` rounds fail. */
export function failsInRound(seq: number, failed: number, perRound: number): boolean {
  const round = Math.floor((seq - 1) / perRound);
  return failed > 0 && round % (failed + 1) < failed;
}

/** Starts the proxy in front of `target` (e.g. http://127.0.0.1:PORT), transparent at first. */
export async function startFlakyProxy(target: string, timeoutMs = 1000): Promise<FlakyProxy> {
  let fails = (_seq: number) => false;
  let stats: FlakyStats = { requests: 0, failed: 0 };
  const server = http.createServer((req, res) => {
    stats.requests += 1;
    if (fails(stats.requests)) {
      stats.failed += 1;
      // odd failures answer 503, even ones drop the connection
      if (stats.failed % 2 === 1) {
        res.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
        res.end('{"error":"flaky proxy: injected failure"}');
      } else {
        req.socket.destroy();
      }
      return;
    }
    forward(req, res, target, timeoutMs, 'flaky proxy: upstream unreachable');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    flap: (n) => {
      fails = (seq) => failsAt(seq, n);
      stats = { requests: 0, failed: 0 };
    },
    flapRounds: (failed, perRound) => {
      fails = (seq) => failsInRound(seq, failed, perRound);
      stats = { requests: 0, failed: 0 };
    },
    stats: () => ({ ...stats }),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
