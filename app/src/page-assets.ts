// The style and the script of the `GET /` page, as constants: the page's CSP allows exactly these
// two by their sha256 (pages.ts), so they must not depend on any value of the request or config.

/** Number of region colours (`.region-0` … `.region-7`). */
export const REGION_COLOURS = 8;

/**
 * The region → colour slot function, as JavaScript source shared by the server (pages.ts runs the
 * same algorithm in {@link regionSlot}) and the browser script: FNV-1a over UTF-16 code units.
 */
export const SLOT_SOURCE = `function slot(s) {
  var h = 2166136261;
  for (var i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h % ${REGION_COLOURS};
}`;

/** FNV-1a of `region` modulo {@link REGION_COLOURS}; the page script's `slot`. Pure. */
export function regionSlot(region: string): number {
  let h = 2166136261;
  for (let i = 0; i < region.length; i++) h = Math.imul(h ^ region.charCodeAt(i), 16777619) >>> 0;
  return h % REGION_COLOURS;
}

/** Region tints (page background) and strong colours (stripe under each history cell). */
const REGIONS: readonly [string, string][] = [
  ['#dbeafe', '#1d4ed8'],
  ['#fce7f3', '#be185d'],
  ['#dcfce7', '#15803d'],
  ['#fef3c7', '#b45309'],
  ['#e0e7ff', '#4338ca'],
  ['#ccfbf1', '#0f766e'],
  ['#ffe4e6', '#be123c'],
  ['#f3e8ff', '#7e22ce'],
];

export const PAGE_STYLE = [
  'body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1f2328;background:var(--bg,#f6f8fa)}',
  'main{max-width:46rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:12px;border-top:14px solid var(--role,#57606a);box-shadow:0 2px 14px #0002}',
  'h1{margin:0;font-size:2.2rem;color:var(--rc,#1f2328)}h2{font-size:1rem;margin:1.5rem 0 .5rem}',
  '.badge{display:inline-block;padding:.1rem .7rem;border-radius:999px;background:var(--role,#57606a);color:#fff;font-weight:700;text-transform:uppercase;letter-spacing:.06em}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0;font-family:ui-monospace,monospace;overflow-wrap:anywhere}',
  '#history{display:flex;flex-wrap:wrap;gap:4px;list-style:none;padding:0;margin:0;min-height:1.6rem}',
  '#history li{width:1.5rem;height:1.5rem;border-radius:4px;background:var(--role);box-shadow:inset 0 -6px 0 var(--rc);color:#fff;font-size:.75rem;font-weight:700;text-align:center;line-height:1.3rem}',
  '#history li.failed{background:#cf222e;box-shadow:none}',
  '.note{color:#57606a;font-size:.85rem}nav a{margin-right:1rem}',
  '.role-primary{--role:#1a7f37}.role-standby{--role:#bf8700}.role-canary{--role:#8250df}',
  ...REGIONS.map(([bg, rc], i) => `.region-${i}{--bg:${bg};--rc:${rc}}`),
].join('');

/**
 * Polls `GET /` as JSON every 2 s (podinfo's UI polls its info endpoint every 3 s): the card shows
 * the answer's region, role, image and pod, the page takes its colours, and a strip of the last 40
 * answers (cell colour: role; stripe: region; red: failed) with a running share per region and role
 * makes a canary's weight or a failover visible. Values go in with `textContent` only. Failed polls
 * (a 5xx, a timeout, the edge unreachable) are shown and polling goes on.
 */
export const PAGE_SCRIPT = `(function () {
  'use strict';
  ${SLOT_SOURCE}
  var ROLES = { primary: 1, standby: 1, canary: 1 };
  var FIELDS = ['aws_region', 'role', 'image', 'version', 'commit', 'pod', 'runtime'];
  var history = document.getElementById('history');
  var counts = {};
  var total = 0;
  function set(id, text) {
    var el = document.getElementById(id);
    if (el) el.textContent = text;
  }
  function cell(cls, label, title) {
    var li = document.createElement('li');
    li.className = cls;
    li.textContent = label;
    li.title = title;
    history.insertBefore(li, history.firstChild);
    while (history.children.length > 40) history.removeChild(history.lastChild);
  }
  function tally(key) {
    counts[key] = (counts[key] || 0) + 1;
    total++;
    var parts = [];
    for (var k in counts) parts.push(k + ' ' + Math.round((100 * counts[k]) / total) + '%');
    set('tally', total + ' answers: ' + parts.join(', '));
  }
  function failed(why) {
    cell('failed', 'x', why);
    tally('failed');
    set('status', 'last poll failed: ' + why);
  }
  function shown(d) {
    if (!d || typeof d.aws_region !== 'string' || !ROLES[d.role]) return failed('unexpected answer');
    FIELDS.forEach(function (f) { set('f-' + f, String(d[f])); });
    var cls = 'region-' + slot(d.aws_region) + ' role-' + d.role;
    document.body.className = cls;
    document.title = 'demo-app ' + d.aws_region + ' ' + d.role;
    cell(cls, d.role.charAt(0).toUpperCase(), d.aws_region + ' ' + d.role + ' ' + d.pod + ' ' + d.version);
    tally(d.aws_region + ' ' + d.role);
    set('status', '');
  }
  function poll() {
    var ctl = new AbortController();
    var timer = setTimeout(function () { ctl.abort(); }, 1500);
    fetch('/', { headers: { accept: 'application/json' }, cache: 'no-store', signal: ctl.signal })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      })
      .then(shown, function (e) { failed(e && e.name === 'AbortError' ? 'timeout' : String(e && e.message)); })
      .then(function () {
        clearTimeout(timer);
        setTimeout(poll, 2000);
      });
  }
  document.body.setAttribute('data-live', 'polling');
  poll();
})();`;
