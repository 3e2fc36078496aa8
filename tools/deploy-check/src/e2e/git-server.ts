import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A read-only Git smart-HTTP server for the kind cluster's Flux: each request runs the real
 * `git http-backend` CGI (git's own server side, so source-controller's go-git client speaks the same
 * protocol as to GitHub). Pushes are refused: only clone/fetch (git-upload-pack) is served.
 */
export interface GitServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Whether a request is a fetch (git-upload-pack) rather than a push. Pure. */
export function isFetch(method: string, url: string): boolean {
  const u = new URL(url, 'http://x');
  if (u.pathname.endsWith('/info/refs')) return u.searchParams.get('service') === 'git-upload-pack';
  if (method === 'POST') return u.pathname.endsWith('/git-upload-pack');
  return method === 'GET' || method === 'HEAD';
}

/** Splits a CGI response into status, headers and where the body starts. Pure. */
export function parseCgiHead(
  buf: Buffer,
): { status: number; headers: [string, string][]; bodyAt: number } | undefined {
  let end = buf.indexOf('\r\n\r\n');
  let sep = 4;
  if (end < 0) {
    end = buf.indexOf('\n\n');
    sep = 2;
  }
  if (end < 0) return undefined;
  const headers: [string, string][] = [];
  let status = 200;
  for (const line of buf.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers.push([name, value]);
  }
  return { status, headers, bodyAt: end + sep };
}

function handle(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (!isFetch(req.method ?? 'GET', req.url ?? '/')) {
    res.writeHead(403).end('read-only: pushes are refused\n');
    return;
  }
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      REMOTE_ADDR: req.socket.remoteAddress ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let started = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (started) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const parsed = parseCgiHead(head);
    if (parsed === undefined) return;
    started = true;
    res.writeHead(parsed.status, Object.fromEntries(parsed.headers));
    res.write(head.subarray(parsed.bodyAt));
  });
  cgi.on('close', (code) => {
    if (!started) res.writeHead(500).end(`git http-backend exited ${code}\n`);
    else res.end();
  });
  cgi.on('error', () => {
    if (!started) res.writeHead(500).end('git http-backend could not start\n');
  });
}

/** Serves the bare repositories under `root` on `host:port` (port 0: any free port). */
export async function startGitServer(root: string, host: string, port: number): Promise<GitServer> {
  const server: Server = createServer((req, res) => handle(root, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
