import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startAppProcess } from './support/app-process.js';
import { sleep, timedRequest } from './support/load.js';

interface Slow {
  socket: Socket;
  closedAt: number | undefined;
}

/** A slowloris connection: a request line, then headers that never end. */
function slowSocket(port: number): Promise<Slow> {
  return new Promise((resolve) => {
    const slow: Slow = { socket: connect(port, '127.0.0.1'), closedAt: undefined };
    slow.socket.on('error', () => {});
    slow.socket.once('close', () => {
      slow.closedAt = performance.now();
      resolve(slow);
    });
    slow.socket.once('connect', () => {
      slow.socket.write('GET / HTTP/1.1\r\nHost: slow\r\n');
      resolve(slow);
    });
    slow.socket.resume();
  });
}

describe('slow connections', () => {
  it('caps open connections and closes slow ones within seconds', async () => {
    const app = await startAppProcess({
      env: { MAX_CONNECTIONS: '100', ACCESS_LOG_LEVEL: 'silent' },
    });
    const all: Slow[] = [];
    try {
      const opened = performance.now();
      for (let i = 0; i < 5; i++) {
        all.push(...(await Promise.all(Array.from({ length: 50 }, () => slowSocket(app.port)))));
      }
      const trickle = setInterval(() => {
        for (const s of all) if (s.closedAt === undefined) s.socket.write('x-slow: 1\r\n');
      }, 500);
      await sleep(1000);
      const openAfter1s = all.filter((s) => s.closedAt === undefined).length;
      // Past the cap, each new connection evicts the oldest one that sent no complete request.
      expect(openAfter1s).toBeLessThanOrEqual(100);
      // Probes still get in while the slow sockets hold every slot.
      const during = await timedRequest(`${app.url}/healthz`);
      expect(during.status).toBe(200);
      const metrics = await timedRequest(`${app.url}/metrics`);
      const rejected = /^http_server_connections_rejected_total(?:\{[^}]*\})? (\d+)/m.exec(
        metrics.body,
      );
      expect(Number(rejected?.[1])).toBeGreaterThanOrEqual(150);
      expect(all.filter((s) => s.closedAt === undefined).length).toBeGreaterThan(90);
      // The rest never finish their headers: closed by the headers timeout, checked every second.
      for (let i = 0; i < 60 && all.some((s) => s.closedAt === undefined); i++) await sleep(250);
      clearInterval(trickle);
      const lastClosed = Math.max(...all.map((s) => s.closedAt ?? Number.POSITIVE_INFINITY));
      // Headers timeout 5 s, checked every second (before: ≈ 30 s); room for a loaded machine.
      expect(lastClosed - opened).toBeLessThan(12_000);
      const probe = await timedRequest(`${app.url}/healthz`);
      expect(probe.status).toBe(200);
      expect(await app.stop()).toBe(0);
    } finally {
      for (const s of all) s.socket.destroy();
      app.child.kill('SIGKILL');
    }
  }, 30_000);

  it('closes a keep-alive connection after 1000 requests (Connection: close on the 1000th)', async () => {
    const app = await startAppProcess({ env: { ACCESS_LOG_LEVEL: 'silent' } });
    try {
      const socket = connect(app.port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
      });
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // One request at a time (as proxies and probes do), until the server closes the connection.
      const answers = () => (received.match(/HTTP\/1\.1 200/g) ?? []).length;
      let isClosed = false;
      void closed.then(() => {
        isClosed = true;
      });
      const deadline = performance.now() + 15_000;
      for (let sent = 1; sent <= 1001 && !isClosed && performance.now() < deadline; sent++) {
        socket.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
        while (answers() < sent && !isClosed && performance.now() < deadline) await sleep(0);
      }
      await Promise.race([closed, sleep(2000)]);
      expect(answers()).toBe(1000);
      expect(isClosed).toBe(true);
      const last = received.slice(received.lastIndexOf('HTTP/1.1 200'));
      expect(last.toLowerCase()).toContain('connection: close');
      socket.destroy();
      expect(await app.stop()).toBe(0);
    } finally {
      app.child.kill('SIGKILL');
    }
  }, 30_000);
});
