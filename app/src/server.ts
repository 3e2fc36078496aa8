import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { AppError } from './errors.js';
import type { RequestHandler } from './http-app.js';

/** Limits of the HTTP listener (bounded headers, slow-client timeouts, keep-alive, connections). */
export interface ServerLimits {
  maxHeaderSize: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** How often Node checks the headers and request timeouts (its default is 30 s). */
  connectionsCheckingIntervalMs: number;
  /** Most open connections (see {@link guardConnections}). */
  maxConnections: number;
  /**
   * Answers on one keep-alive connection before it is closed (`Connection: close`); applied by
   * the request handler (http-app.ts), because Node's `server.maxRequestsPerSocket` only sets the
   * header and answers 503 afterwards without closing.
   */
  maxRequestsPerSocket: number;
}

/**
 * Limits for a service that accepts at most `maxConnections` connections. Every request is a
 * bodyless GET (bodies over 1 KiB are refused), so a client has 5 s to send its headers and 10 s
 * for the whole request; Node's request timeout covers receiving the request only, not a slow
 * answer such as `/delay`. Timeouts are checked every second, so a slowloris connection is closed
 * within ≈ 6 s instead of Node's default ≈ 30 s (headers timeout 60 s, checked every 30 s).
 * Keep-alive outlives common load-balancer idle timeouts (60 s) so the proxy closes first.
 */
export function serverLimits(maxConnections: number): ServerLimits {
  return {
    maxHeaderSize: 16 * 1024,
    headersTimeoutMs: 5_000,
    requestTimeoutMs: 10_000,
    keepAliveTimeoutMs: 65_000,
    connectionsCheckingIntervalMs: 1_000,
    maxConnections,
    maxRequestsPerSocket: 1000,
  };
}

export function createHttpServer(
  handler: RequestHandler,
  limits: ServerLimits,
  connections = new ConnectionGuard(limits.maxConnections),
): Server {
  // Node's own clientError handling answers 431 (headers too large), 408 and 400.
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
    },
    (req, res) => {
      connections.served(req.socket);
      handler(req, res);
    },
  );
  server.on('connection', (socket: Socket) => connections.opened(socket));
  return server;
}

/**
 * Keeps at most `max` connections open. Past it, a new connection evicts the oldest one that has
 * not yet sent a complete request (a slowloris socket, or a client that connected and went
 * quiet); only when every open connection has been served is the new one closed instead. So a
 * flood of slow sockets costs bounded memory (≈ 10 KiB each) without locking out probes and
 * proxies, whose requests arrive at once. Node's `server.maxConnections` would refuse newcomers
 * instead — the kubelet's probes among them — until the slow sockets time out.
 */
export class ConnectionGuard {
  private open = 0;
  /** Connections without a request yet, oldest first (a Set keeps insertion order). */
  private readonly fresh = new Set<Socket>();
  /** Connections closed by the limit so far: evicted, or refused when none could be. */
  rejected = 0;

  constructor(readonly max: number) {}

  opened(socket: Socket): void {
    this.open++;
    socket.once('close', () => {
      this.open--;
      this.fresh.delete(socket);
    });
    if (this.open > this.max) {
      const oldest = this.fresh.values().next();
      this.rejected++;
      if (oldest.done) {
        socket.destroy();
        return;
      }
      this.fresh.delete(oldest.value);
      oldest.value.destroy();
    }
    this.fresh.add(socket);
  }

  /** A request arrived on `socket`: it is no longer a candidate for eviction. */
  served(socket: Socket): void {
    this.fresh.delete(socket);
  }
}

/** What an expected `listen` failure means, naming the variable to fix; undefined if unexpected. */
export function listenFailure(code: string, host: string, port: number): string | undefined {
  switch (code) {
    case 'EADDRINUSE':
      return `${host}:${port} is already in use (PORT)`;
    case 'EADDRNOTAVAIL':
      return `HOST=${host} is not an address of this machine`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `HOST=${host} does not resolve to an address`;
    case 'EACCES':
      return `no permission to listen on ${host}:${port} (PORT below 1024 needs privileges)`;
    default:
      return undefined;
  }
}

/**
 * Starts listening; resolves with the bound port (useful when `port` is 0). An expected failure
 * (address in use, unknown host...) rejects with an {@link AppError} `START_FAILED` (the errno `code`, `host` and `port` in its
 * `detail`); others as they are.
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const reason = listenFailure(error.code ?? '', host, port);
      reject(
        reason === undefined
          ? error
          : new AppError('START_FAILED', reason, { code: error.code ?? '', host, port }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
