import { createHash } from 'node:crypto';
import type { Config, RegionRole } from './config.js';
import { PAGE_SCRIPT, PAGE_STYLE, regionSlot } from './page-assets.js';

/** What `GET /` reports: where and what served the request. */
export type Identity = Pick<
  Config,
  'awsRegion' | 'image' | 'version' | 'commit' | 'pod' | 'regionRole' | 'track'
>;

/** The role a page shows: a canary pod is `canary` whatever its region; else the region's role. */
export type Role = RegionRole | 'canary';

export function roleOf(identity: Pick<Identity, 'regionRole' | 'track'>): Role {
  return identity.track === 'canary' ? 'canary' : identity.regionRole;
}

/**
 * JSON body of `GET /` (field names are a contract: `aws_region`, `image`, ...; `role` and
 * `region_role` were added for the page, which polls this).
 */
export function identityJson(identity: Identity, runtime: string): string {
  return JSON.stringify({
    aws_region: identity.awsRegion,
    image: identity.image,
    version: identity.version,
    commit: identity.commit,
    pod: identity.pod,
    runtime,
    role: roleOf(identity),
    region_role: identity.regionRole,
  });
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The page's Content-Security-Policy. Today's HTML policy allowed no script and any inline style;
 * this one allows exactly the page's one script and one style block by hash (CSP Level 2 hash
 * sources; no `'unsafe-inline'` at all), `fetch` to its own origin only (the poll), and nothing
 * else: no external asset, no form, no `<base>`, no framing. A nonce would need a fresh page per
 * request; the hash lets the page be built once. `<meta http-equiv="refresh">` alone would need no
 * script, but it stops at the first failed reload (a 5xx from a faulty canary, the edge down during
 * a failover) — the moments the page is for — so it is only the `<noscript>` fallback.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(PAGE_SCRIPT)}`,
  `style-src ${sha256(PAGE_STYLE)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Seconds between reloads when scripts are off (the `<noscript>` refresh). */
export const NOSCRIPT_REFRESH_SECONDS = 5;

/**
 * The page of `GET /` for browsers, podinfo-style: the region as a headline with the page tinted
 * by region and topped by the role's colour (primary green, standby amber, canary purple), the
 * image, version, commit and pod, links to the probes and metrics, and live updates (see
 * page-assets.ts). Every value is escaped. Pure.
 */
export function identityHtml(identity: Identity, runtime = ''): string {
  const role = roleOf(identity);
  const region = escapeHtml(identity.awsRegion);
  const rows: [string, string, string][] = [
    ['image', 'Image', identity.image],
    ['version', 'Version', identity.version],
    ['commit', 'Commit', identity.commit],
    ['pod', 'Pod', identity.pod],
    ['runtime', 'Runtime', runtime],
  ];
  const dl = rows
    .map(([id, k, v]) => `<dt>${k}</dt><dd id="f-${id}">${escapeHtml(v)}</dd>`)
    .join('');
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<noscript><meta http-equiv="refresh" content="${NOSCRIPT_REFRESH_SECONDS}"></noscript>`,
    `<title>demo-app ${region} ${role}</title><style>${PAGE_STYLE}</style></head>`,
    `<body class="region-${regionSlot(identity.awsRegion)} role-${role}"><main>`,
    `<p class="note">demo-app served by</p><h1 id="f-aws_region">${region}</h1>`,
    `<p><span class="badge" id="f-role">${role}</span> <span class="note">region role: ${identity.regionRole}</span></p>`,
    `<dl>${dl}</dl>`,
    '<h2>Last answers, newest first (polled every 2 s)</h2><ol id="history"></ol>',
    '<p class="note" id="tally"></p><p class="note" id="status"></p>',
    '<p class="note">Cell: role (P primary, S standby, C canary; red: failed); stripe: region.</p>',
    '<nav><a href="/healthz">/healthz</a><a href="/readyz">/readyz</a><a href="/metrics">/metrics</a></nav>',
    `</main><script>${PAGE_SCRIPT}</script></body></html>`,
  ].join('');
}
