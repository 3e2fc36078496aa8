// Slowloris client for the bench: opens SLOW_SOCKETS connections to SLOW_PORT on 127.0.0.1, each
// sending a request line and then one header line every SLOW_TRICKLE_MS without ever finishing
// the headers, for SLOW_HOLD_MS. Prints one JSON line: {opened, refused, closedByServer, open}
// after the hold. Run it with a raised open-file limit (the bench uses prlimit).
import { connect } from 'node:net';

const count = Number(process.env.SLOW_SOCKETS ?? 1000);
const port = Number(process.env.SLOW_PORT);
const holdMs = Number(process.env.SLOW_HOLD_MS ?? 5000);
const trickleMs = Number(process.env.SLOW_TRICKLE_MS ?? 1000);
const sockets = new Set();
let opened = 0;
let refused = 0;
let closedByServer = 0;

function open() {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.once('connect', () => {
      opened++;
      sockets.add(socket);
      socket.write('GET / HTTP/1.1\r\nHost: bench\r\n');
      resolve();
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      if (sockets.delete(socket)) closedByServer++;
      else refused++;
      resolve();
    });
    socket.resume();
  });
}

const BATCH = 200;
for (let i = 0; i < count; i += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, open));
}
const trickle = setInterval(() => {
  for (const socket of sockets) socket.write(`x-slow-${Date.now() % 1000}: 1\r\n`);
}, trickleMs);
process.stdout.write(
  `${JSON.stringify({ phase: 'opened', opened, refused, closedByServer, open: sockets.size })}\n`,
);
await new Promise((resolve) => setTimeout(resolve, holdMs));
clearInterval(trickle);
process.stdout.write(
  `${JSON.stringify({ phase: 'held', opened, refused, closedByServer, open: sockets.size })}\n`,
);
for (const socket of sockets) socket.destroy();
process.exit(0);
