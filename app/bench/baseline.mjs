// The bench's reference: a bare node:http server answering the same JSON body as GET /.
import { createServer } from 'node:http';

const body = Buffer.from(process.env.BASELINE_BODY ?? '{}');
createServer((_req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
