import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PAGE_SCRIPT, PAGE_STYLE, regionSlot, SLOT_SOURCE } from '../src/page-assets.js';
import {
  escapeHtml,
  type Identity,
  identityHtml,
  identityJson,
  PAGE_CSP,
  roleOf,
} from '../src/pages.js';
import { asBrowser, inProcessForSuite } from './support/in-process.js';

const identity: Identity = {
  awsRegion: 'eu-west-2',
  image: 'demo:<1>',
  version: '1.0.0',
  commit: 'abc',
  pod: 'pod-1',
  regionRole: 'standby',
  track: 'stable',
};

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
/** The text of the only element `tag` of a page. */
function only(html: string, tag: string): string {
  const all = [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))];
  expect(all).toHaveLength(1);
  return all[0]?.[1] ?? '';
}

describe('GET / JSON', () => {
  it('keeps the original field names and adds role and region_role', () => {
    expect(JSON.parse(identityJson(identity, 'node v24'))).toEqual({
      aws_region: 'eu-west-2',
      image: 'demo:<1>',
      version: '1.0.0',
      commit: 'abc',
      pod: 'pod-1',
      runtime: 'node v24',
      role: 'standby',
      region_role: 'standby',
    });
  });

  it('a canary pod has role canary whatever its region', () => {
    expect(roleOf({ regionRole: 'primary', track: 'canary' })).toBe('canary');
    expect(roleOf({ regionRole: 'standby', track: 'canary' })).toBe('canary');
    expect(roleOf({ regionRole: 'primary', track: 'stable' })).toBe('primary');
  });
});

describe('the page', () => {
  it('escapes every value', () => {
    const html = identityHtml(
      { ...identity, awsRegion: 'eu"<b>', pod: "<script>alert('x')</script>", commit: 'a&b' },
      'node <v24>',
    );
    expect(html).toContain('demo:&lt;1&gt;');
    expect(html).toContain('eu&quot;&lt;b&gt;');
    expect(html).toContain('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
    expect(html).toContain('a&amp;b');
    expect(html).toContain('node &lt;v24&gt;');
    expect(html).not.toContain('<1>');
    expect(html).not.toContain('<b>');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(escapeHtml(`&"'`)).toBe('&amp;&quot;&#39;');
  });

  it.each([
    ['primary', 'stable', 'role-primary'],
    ['standby', 'stable', 'role-standby'],
    ['primary', 'canary', 'role-canary'],
    ['standby', 'canary', 'role-canary'],
  ] as const)('region role %s, track %s: body class %s', (regionRole, track, cls) => {
    const html = identityHtml({ ...identity, regionRole, track });
    const body = /<body class="region-(\d) (role-\w+)">/.exec(html);
    expect(body?.[2]).toBe(cls);
    expect(body?.[1]).toBe(String(regionSlot(identity.awsRegion)));
    expect(html).toContain(`<span class="badge" id="f-role">${cls.slice(5)}</span>`);
    // The style has a colour for the class.
    expect(PAGE_STYLE).toContain(`.${cls}{--role:#`);
  });

  it('links to the probes and the metrics', () => {
    const html = identityHtml(identity);
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect(html).toContain(`<a href="${path}">${path}</a>`);
    }
  });

  it('refreshes: the script polls GET / as JSON every 2 s; without scripts a meta refresh', () => {
    const html = identityHtml(identity);
    expect(only(html, 'script')).toBe(PAGE_SCRIPT);
    expect(PAGE_SCRIPT).toContain("fetch('/', { headers: { accept: 'application/json' }");
    expect(PAGE_SCRIPT).toContain('setTimeout(poll, 2000)');
    expect(html).toContain('<noscript><meta http-equiv="refresh" content="5"></noscript>');
  });

  it('colours regions apart; the browser computes the same colour slot as the server', () => {
    const regions = ['eu-central-1', 'eu-west-2', 'local'];
    expect(new Set(regions.map(regionSlot)).size).toBe(3);
    const inBrowser = (r: string) => runInNewContext(`${SLOT_SOURCE}; slot(r)`, { r }) as number;
    for (const r of [...regions, 'us-east-1', 'ap-southeast-2', 'ü-ñ', '']) {
      expect(inBrowser(r)).toBe(regionSlot(r));
    }
    for (let i = 0; i < 8; i++) expect(PAGE_STYLE).toContain(`.region-${i}{--bg:#`);
  });

  it('allows exactly its own script and style by hash, nothing inline or external', () => {
    const html = identityHtml(identity);
    const csp = new Map(
      PAGE_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toBe(hashOf(only(html, 'script')));
    expect(csp.get('style-src')).toBe(hashOf(only(html, 'style')));
    expect(csp.get('connect-src')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('base-uri')).toBe("'none'");
    expect(PAGE_CSP).not.toContain('unsafe');
    expect(html).not.toMatch(/\s(src|style|on\w+)=/);
    expect(html).not.toMatch(/https?:\/\//);
  });
});

describe('GET / over HTTP', () => {
  const app = inProcessForSuite({
    AWS_REGION: 'eu-central-1',
    DR_ROLE: 'primary',
    POD_APP_LABEL: 'demo-app',
    ACCESS_LOG_LEVEL: 'silent',
  });

  it('serves the page with its CSP to browsers, JSON with the plain CSP to API clients', async () => {
    const page = await fetch(`${app.url}/`, asBrowser);
    expect(page.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(page.headers.get('vary')).toBe('Accept');
    const html = await page.text();
    expect(html).toContain('class="region-');
    expect(html).toContain(' role-canary"');

    const api = await fetch(`${app.url}/`);
    expect(api.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(await api.json()).toMatchObject({
      aws_region: 'eu-central-1',
      role: 'canary',
      region_role: 'primary',
    });
  });
});
