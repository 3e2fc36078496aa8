import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Debian package's binary, on PATH (/usr/bin/prometheus). */
export const PROMETHEUS_BIN = 'prometheus';

/** A scrape target labelled the way Flagger's Prometheus (kubernetes-pods job) labels pods. */
export interface PodTarget {
  readonly address: string;
  readonly namespace: string;
  readonly pod: string;
}

export interface PrometheusProcess {
  readonly url: string;
  /** Instant query through the HTTP API; returns the vector's samples. */
  query(promql: string): Promise<{ labels: Record<string, string>; value: number }[]>;
  logs(): string;
  stop(): Promise<void>;
}

/** Throws with an install hint when the Debian `prometheus` binary is missing (never skip). */
export function requirePrometheus(): string {
  try {
    return execFileSync(PROMETHEUS_BIN, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  } catch {
    throw new Error(
      `prometheus binary "${PROMETHEUS_BIN}" not found: install the Debian package (apt-get install prometheus; .ci/run does)`,
    );
  }
}

/** Starts Prometheus on 127.0.0.1:`port` scraping `targets` every second, with a temp TSDB. */
export async function startPrometheus(
  port: number,
  targets: readonly PodTarget[],
): Promise<PrometheusProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'deploy-check-prom-'));
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 900ms',
    'scrape_configs:',
    '  - job_name: kubernetes-pods',
    '    static_configs:',
    ...targets.flatMap((t) => [
      `      - targets: ['${t.address}']`,
      '        labels:',
      `          kubernetes_namespace: ${t.namespace}`,
      `          kubernetes_pod_name: ${t.pod}`,
    ]),
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited early:\n${output}`);
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within 15 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    logs: () => output,
    stop,
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: {
          resultType: string;
          result: { metric: Record<string, string>; value: [number, string] }[];
        };
      };
      if (body.status !== 'success' || body.data === undefined) {
        throw new Error(`query failed (${body.error ?? res.status}): ${promql}`);
      }
      if (body.data.resultType !== 'vector') throw new Error(`expected a vector from: ${promql}`);
      return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
  };
}
