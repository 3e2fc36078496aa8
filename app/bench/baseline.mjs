// The bench's references: a bare node:http server answering the same JSON body as GET /.
// With BASELINE_HEADERS (a JSON object) it also sends those headers, and with
// BASELINE_REQUEST_ID=1 an x-request-id (the client's, else a fresh UUID) — the service's own
// response headers, so the bench can tell what the headers cost from what the service adds.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const body = Buffer.from(process.env.BASELINE_BODY ?? '{}');
const extra = JSON.parse(process.env.BASELINE_HEADERS ?? '{}');
const requestId = process.env.BASELINE_REQUEST_ID === '1';
createServer((req, res) => {
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    ...extra,
  };
  if (requestId) headers['x-request-id'] = req.headers['x-request-id'] ?? randomUUID();
  res.writeHead(200, headers);
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
