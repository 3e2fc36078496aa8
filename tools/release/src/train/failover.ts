/**
 * Is the platform failed over? Read from AWS Global Accelerator, the one place both the failover
 * controller (failover/README.md: it pins the dials standby 100 / primary 0 while failed over) and
 * GA's own health-based failover (the primary group has no healthy endpoint) leave a mark that a
 * GitHub workflow can read without access to the clusters. Input: the JSON printed by
 * `aws globalaccelerator describe-endpoint-group` (API reference: DescribeEndpointGroup →
 * EndpointGroup.TrafficDialPercentage, EndpointGroup.EndpointDescriptions[].HealthState). Pure.
 */
export type FailoverState =
  | { readonly kind: 'normal'; readonly reasons: readonly string[] }
  | { readonly kind: 'failed-over'; readonly reasons: readonly string[] }
  | { readonly kind: 'unknown'; readonly reasons: readonly string[] };

interface Group {
  readonly dial: number;
  readonly health: readonly string[];
}

function group(json: unknown, name: string): Group | string {
  if (typeof json !== 'object' || json === null) return `${name}: no DescribeEndpointGroup output`;
  const g = (json as { EndpointGroup?: unknown }).EndpointGroup;
  if (typeof g !== 'object' || g === null) return `${name}: no EndpointGroup in the output`;
  const { TrafficDialPercentage: dial, EndpointDescriptions: eps } = g as Record<string, unknown>;
  if (typeof dial !== 'number' || !Number.isFinite(dial)) {
    return `${name}: EndpointGroup.TrafficDialPercentage is not a number`;
  }
  const health = Array.isArray(eps)
    ? eps.map((e) => String((e as { HealthState?: unknown } | null)?.HealthState ?? 'UNKNOWN'))
    : [];
  return { dial, health };
}

export function failoverFromEndpointGroups(primary: unknown, standby: unknown): FailoverState {
  const p = group(primary, 'primary endpoint group');
  const s = group(standby, 'standby endpoint group');
  const unreadable = [p, s].filter((g): g is string => typeof g === 'string');
  if (typeof p === 'string' || typeof s === 'string') {
    return { kind: 'unknown', reasons: unreadable };
  }
  const reasons: string[] = [];
  if (p.dial < 100) reasons.push(`primary dial is ${p.dial} (100 when not failed over)`);
  if (s.dial > 0) reasons.push(`standby dial is ${s.dial} (0 when not failed over)`);
  if (p.health.length === 0) {
    return { kind: 'unknown', reasons: [...reasons, 'primary endpoint group lists no endpoint'] };
  }
  if (!p.health.includes('HEALTHY')) {
    reasons.push(
      `no primary endpoint is HEALTHY (${p.health.join(', ')}): GA sends traffic to the standby`,
    );
  }
  if (reasons.length > 0) return { kind: 'failed-over', reasons };
  return {
    kind: 'normal',
    reasons: [`dials primary ${p.dial} / standby ${s.dial}, primary has a HEALTHY endpoint`],
  };
}
