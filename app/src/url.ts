/** Wildcard bind addresses: reachable on every interface, but not a host a browser can open. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The URL a person can open for a service listening on `host:port` (printed by `npm start`):
 * a wildcard bind is shown as `localhost`, an IPv6 literal in brackets. Pure.
 */
export function serviceUrl(host: string, port: number): string {
  const name = WILDCARDS.has(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}/`;
}
