import type http from 'node:http';

/** Forwards a GET to `url` (the request's path appended); 502 with `unreachable` when it fails. */
export function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: string,
  timeoutMs: number,
  unreachable: string,
): void {
  fetch(`${url}${req.url ?? '/'}`, {
    headers: { accept: req.headers.accept ?? '*/*' },
    signal: AbortSignal.timeout(timeoutMs),
  })
    .then(async (r) => {
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await r.arrayBuffer()));
    })
    .catch(() => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: unreachable }));
    });
}
