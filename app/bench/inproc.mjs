// CPU per request of a server driven from inside its own process: preload it with
// `node --import ./bench/inproc.mjs SERVER.js` (PORT set, as the server reads it). Once the port
// accepts connections, 50 keep-alive connections send `GET /` one request at a time each; after
// WARM responses (default 20 000) the process's CPU time (user + system) over the next N (default
// 100 000) is printed as µs per request, and the process exits. Server and client share one thread,
// so the figure includes the client's (small, constant) share and does not depend on how the
// machine schedules a separate load generator: steadier than wrk on a busy machine, for
// before/after comparisons of the same server (not a throughput ratio).
import { connect } from 'node:net';

const port = Number(process.env.PORT);
const CONNECTIONS = 50;
const WARM = Number(process.env.WARM ?? 20_000);
const N = Number(process.env.N ?? 100_000);
const REQUEST = Buffer.from(
  `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: application/json\r\n\r\n`,
);
const STATUS_LINE = Buffer.from('HTTP/1.1 ');
const CLOSE = /connection: close/i;
let answered = 0;
let cpuAtWarm;

function answeredOne() {
  answered++;
  if (answered === WARM) cpuAtWarm = process.cpuUsage();
  if (answered === WARM + N) {
    const cpu = process.cpuUsage(cpuAtWarm);
    process.stderr.write(`cpu_us_per_req=${((cpu.user + cpu.system) / N).toFixed(3)}\n`);
    process.exit(0);
  }
}

function open() {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  socket.on('connect', () => socket.write(REQUEST));
  socket.on('data', (chunk) => {
    let n = 0;
    for (let at = chunk.indexOf(STATUS_LINE); at !== -1; at = chunk.indexOf(STATUS_LINE, at + 1)) {
      n++;
    }
    for (let i = 0; i < n; i++) answeredOne();
    if (n === 0) return;
    // The server ends the connection (its per-connection request limit): open another.
    if (CLOSE.test(chunk.toString('latin1', 0, Math.min(chunk.length, 2048)))) socket.end();
    else socket.write(REQUEST);
  });
  socket.on('close', () => open());
  socket.on('error', () => {});
}

function start() {
  const probe = connect(port, '127.0.0.1');
  probe.on('connect', () => {
    probe.destroy();
    for (let i = 0; i < CONNECTIONS; i++) open();
  });
  probe.on('error', () => setTimeout(start, 20));
}
setTimeout(start, 50);
