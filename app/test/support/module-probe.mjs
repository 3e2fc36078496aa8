// Loaded with `--import` into the built service by footprint.test.ts: on SIGUSR2 it writes the
// modules Node has loaded so far (`process.moduleLoadList`) as one JSON line on stderr. It imports
// nothing itself, so it loads no module of its own.
process.on('SIGUSR2', () => {
  process.stderr.write(`${JSON.stringify({ moduleLoadList: process.moduleLoadList })}\n`);
});
