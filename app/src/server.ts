import { createServer, type Server } from 'node:http';
import type { RequestHandler } from './http-app.js';

/** Limits of the HTTP listener (bounded headers, slow-client timeouts, keep-alive). */
export interface ServerLimits {
  maxHeaderSize: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/**
 * Limits for a service whose slowest legitimate answer takes `longestResponseMs`.
 * keep-alive outlives common load-balancer idle timeouts (60 s) so the proxy closes first.
 */
export function serverLimits(longestResponseMs: number): ServerLimits {
  return {
    maxHeaderSize: 16 * 1024,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: Math.max(30_000, longestResponseMs + 10_000),
    keepAliveTimeoutMs: 65_000,
  };
}

export function createHttpServer(handler: RequestHandler, limits: ServerLimits): Server {
  // Node's own clientError handling answers 431 (headers too large), 408 and 400.
  return createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
    },
    handler,
  );
}

/** Starts listening; resolves with the bound port (useful when `port` is 0). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
