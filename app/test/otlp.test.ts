import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppProcess } from './support/app-process.js';

describe('optional OTLP export', () => {
  let collector: Server;
  let port = 0;
  const received: { method: string; url: string; bytes: number }[] = [];
  beforeAll(async () => {
    collector = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', bytes });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const address = collector.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  it('pushes metrics to the configured collector when the service stops', async () => {
    const app = await startAppProcess({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, ACCESS_LOG_LEVEL: 'silent' },
    });
    expect((await fetch(`${app.url}/`)).status).toBe(200);
    expect(await app.stop()).toBe(0);
    expect(
      received.some((r) => r.method === 'POST' && r.url === '/v1/metrics' && r.bytes > 0),
    ).toBe(true);
  });
});
