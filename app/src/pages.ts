/** What `GET /` reports: where and what served the request. */
export interface Identity {
  awsRegion: string;
  image: string;
  version: string;
  commit: string;
  pod: string;
}

/** JSON body of `GET /` (field names are a contract: `aws_region`, `image`, ...). */
export function identityJson(identity: Identity, runtime: string): string {
  return JSON.stringify({
    aws_region: identity.awsRegion,
    image: identity.image,
    version: identity.version,
    commit: identity.commit,
    pod: identity.pod,
    runtime,
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

/** Small HTML page of `GET /` for browsers; every value is escaped. */
export function identityHtml(identity: Identity): string {
  const rows: [string, string][] = [
    ['Region', identity.awsRegion],
    ['Image', identity.image],
    ['Version', identity.version],
    ['Commit', identity.commit],
    ['Pod', identity.pod],
  ];
  const body = rows
    .map(([k, v]) => `<tr><th>${k}</th><td><code>${escapeHtml(v)}</code></td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>demo-app ${escapeHtml(
    identity.awsRegion,
  )}</title><style>body{font-family:system-ui,sans-serif;margin:2rem}th{text-align:left;padding-right:1rem}</style></head><body><h1>demo-app in ${escapeHtml(
    identity.awsRegion,
  )}</h1><table>${body}</table></body></html>`;
}
