/** Route templates, as used in the `http.route` metric attribute and access logs. */
export type RouteTemplate =
  | '/'
  | '/healthz'
  | '/readyz'
  | '/error'
  | '/delay/{duration}'
  | '/metrics'
  | 'unmatched';

/**
 * Routes that fault injection applies to: the ordinary traffic. Probes and `/metrics` must never
 * fail from injection, and `/error` already fails on purpose.
 */
const FAULTABLE: ReadonlySet<RouteTemplate> = new Set(['/', '/delay/{duration}']);

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
  if (route === undefined) return STATIC.unmatched;
  if (method !== 'GET' && method !== 'HEAD') {
    return { kind: 'method-not-allowed', route, allow: ALLOW };
  }
  if (route === '/delay/{duration}') {
    return { kind: 'found', route, param: path.slice(DELAY_PREFIX.length), faultable: true };
  }
  return STATIC[route];
}

type FixedRoute = Exclude<RouteTemplate, '/delay/{duration}'>;

const found = (route: FixedRoute): RouteMatch =>
  Object.freeze({ kind: 'found', route, param: '', faultable: FAULTABLE.has(route) });

/** Prebuilt matches for fixed paths: the hot path allocates nothing. */
const STATIC: Record<FixedRoute, RouteMatch> = {
  '/': found('/'),
  '/healthz': found('/healthz'),
  '/readyz': found('/readyz'),
  '/error': found('/error'),
  '/metrics': found('/metrics'),
  unmatched: Object.freeze({ kind: 'not-found', route: 'unmatched' }),
};

/**
 * Methods recorded as themselves in `http.request.method`: those of RFC 9110 and PATCH (RFC 5789),
 * the OpenTelemetry HTTP semantic conventions' default set of known methods.
 */
const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
]);

/**
 * The `http.request.method` value of a request: the method if known, else `_OTHER` (semconv:
 * https://opentelemetry.io/docs/specs/semconv/http/http-spans/ — "http.request.method"), so a
 * client cannot mint label values. Case-sensitive, as methods are.
 */
export function metricMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}
