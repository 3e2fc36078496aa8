/**
 * HTTP prober: one round = every probe URL in parallel (GET, healthy iff 200 within the timeout),
 * plus the reference check of the prober's own connectivity.
 */
export interface ProbeOptions {
  /** Full URLs of the primary's readiness through its gateway, e.g. https://eu-central-1.example/readyz. */
  targets: readonly string[];
  /** A URL the prober should always reach (e.g. the standby's own gateway /readyz). */
  reference: string;
  timeoutMs: number;
}

export async function probe(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'user-agent': 'failover-controller', accept: 'application/json' },
    });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

export interface ProbeRound {
  probes: boolean[];
  reference: boolean;
}

export async function probeRound(opts: ProbeOptions): Promise<ProbeRound> {
  const [reference, ...probes] = await Promise.all([
    probe(opts.reference, opts.timeoutMs),
    ...opts.targets.map((t) => probe(t, opts.timeoutMs)),
  ]);
  return { probes, reference: reference ?? false };
}
