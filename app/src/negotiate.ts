/**
 * True when the `Accept` header ranks `text/html` above `application/json` (browsers); API
 * clients, `*\/*` and a missing header get JSON. Quality values are honoured; ties go to JSON.
 * Media types and parameter names are case-insensitive (RFC 9110, sections 8.3.1 and 12.4.2).
 */
export function prefersHtml(header: string | undefined): boolean {
  if (header === undefined) return false;
  const accept = header.toLowerCase();
  if (!accept.includes('html')) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [rawType = '', ...params] = part.split(';');
    const type = rawType.trim();
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim() === 'q' && value !== undefined) {
        const parsed = Number(value.trim());
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, q);
    else if (type === 'application/json') json = Math.max(json, q);
  }
  return html > 0 && html > json;
}
