import { describe, expect, it } from 'vitest';
import { median, positiveInt, roundOrder } from '../bench/stats.js';
import { parseWrk, procStatCpuSeconds, procStatusMiB } from '../bench/wrk.js';

const REPORT = `Running 10s test @ http://127.0.0.1:8080/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.20ms  812.00us  25.10ms   90.00%
    Req/Sec    15.60k     1.20k   17.00k    80.00%
  Latency Distribution
     50%    3.05ms
     75%    3.40ms
     90%    3.90ms
     99%  850.00us
  155000 requests in 10.00s, 30.00MB read
  Non-2xx or 3xx responses: 12
Requests/sec:  15500.12
Transfer/sec:      3.00MB
`;

describe('bench parsing', () => {
  it('reads req/s, p50, p99 (any unit) and non-2xx from a wrk report', () => {
    expect(parseWrk(REPORT)).toEqual({
      requestsPerSec: 15500.12,
      p50Ms: 3.05,
      p99Ms: 0.85,
      non2xx: 12,
      requests: 155000,
    });
  });

  it('names the missing figure', () => {
    expect(() => parseWrk('Requests/sec: 1\n')).toThrow('no 50% line');
  });

  it('reads VmRSS and VmHWM in MiB', () => {
    const status = 'Name:\tnode\nVmHWM:\t   81920 kB\nVmRSS:\t   65536 kB\n';
    expect(procStatusMiB(status, 'VmRSS')).toBe(64);
    expect(procStatusMiB(status, 'VmHWM')).toBe(80);
  });

  it('reads user + system CPU seconds from /proc/PID/stat, even with spaces in the name', () => {
    const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194560 9000 0 0 0 250 50 0 0 20 0 11';
    expect(procStatCpuSeconds(stat)).toBe(3);
  });
});

describe('bench rounds', () => {
  it('takes the median of odd and even counts, whatever the order', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('empty');
  });

  it('rotates the order and reverses it every other cycle so drift favours no server', () => {
    expect([0, 1, 2, 3].map((round) => roundOrder(2, round))).toEqual([
      [0, 1],
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    expect([0, 1, 2, 3].map((round) => roundOrder(3, round))).toEqual([
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ]);
  });

  it('reads a positive integer setting or names the bad variable', () => {
    expect(positiveInt('BENCH_ROUNDS', undefined, 5)).toBe(5);
    expect(positiveInt('BENCH_ROUNDS', '3', 5)).toBe(3);
    expect(() => positiveInt('BENCH_ROUNDS', '0', 5)).toThrow('invalid BENCH_ROUNDS="0"');
  });
});
