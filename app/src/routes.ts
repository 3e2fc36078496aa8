/** Route templates, as used in the `http.route` metric attribute and access logs. */
export type RouteTemplate =
  | '/'
  | '/healthz'
  | '/readyz'
  | '/error'
  | '/delay/{duration}'
  | '/metrics'
  | 'unmatched';

/** Routes that are never affected by fault injection. */
const PROBES: ReadonlySet<RouteTemplate> = new Set(['/healthz', '/readyz', '/metrics']);

export type RouteMatch =
  | { kind: 'found'; route: RouteTemplate; param: string; faultable: boolean }
  | { kind: 'method-not-allowed'; route: RouteTemplate; allow: string }
  | { kind: 'not-found'; route: 'unmatched' };

const ALLOW = 'GET, HEAD';
const DELAY_PREFIX = '/delay/';

function templateOf(path: string): RouteTemplate | undefined {
  switch (path) {
    case '/':
    case '/healthz':
    case '/readyz':
    case '/error':
    case '/metrics':
      return path;
  }
  if (path.startsWith(DELAY_PREFIX) && path.length > DELAY_PREFIX.length) {
    if (!path.includes('/', DELAY_PREFIX.length)) return '/delay/{duration}';
  }
  return undefined;
}

/**
 * Maps a method and a path (without query string) to a route. Every route answers GET and HEAD;
 * other methods get 405. Unknown paths use the fixed template `unmatched` so metric cardinality
 * stays bounded.
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const route = templateOf(path);
  if (route === undefined) return NOT_FOUND;
  if (method !== 'GET' && method !== 'HEAD')
    return { kind: 'method-not-allowed', route, allow: ALLOW };
  const param = route === '/delay/{duration}' ? path.slice(DELAY_PREFIX.length) : '';
  return { kind: 'found', route, param, faultable: !PROBES.has(route) };
}

const NOT_FOUND: RouteMatch = Object.freeze({ kind: 'not-found', route: 'unmatched' });
