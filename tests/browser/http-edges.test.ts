// The edges of the web process, against the built server: methods no route
// takes, Astro's unused image endpoint, and the frame-ancestors directive,
// which Astro's own Content-Security-Policy header would otherwise drop from
// server-rendered pages; and the site's own 404 page.
import { describe, expect, it } from 'vitest';
import http from 'node:http';
import { baseUrl, signedIn } from '../support/app.ts';
import { checkA11y, launchBrowser } from '../support/browser.ts';

const base = baseUrl();

/** A raw request: fetch refuses to send TRACE at all. */
function raw(method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const csp = (res: Response) => res.headers.get('content-security-policy') ?? '';

describe('methods no route takes', () => {
  it.each(['/', '/login', '/app/', '/app/skills/', '/calendar/x.ics'])('TRACE %s answers 501 without reaching Astro', async (path) => {
    const res = await raw('TRACE', path);
    expect(res.status).toBe(501);
    expect(res.body).toBe('Not implemented');
  });

  it('the server keeps answering after them', async () => {
    await raw('TRACE', '/app/');
    expect((await fetch(`${base}/login`)).status).toBe(200);
  });
});

describe("Astro's image endpoint", () => {
  it.each(['/_image?href=/favicon.svg', '/_image?href=/favicon.svg&w=10&f=webp', '/_image'])('%s is not found', async (path) => {
    const res = await fetch(base + path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});

describe("frame-ancestors 'none' on every kind of page", () => {
  it("a server-rendered page keeps Astro's hashes and gains frame-ancestors", async () => {
    for (const encoding of ['identity', 'gzip', 'br']) {
      const res = await fetch(`${base}/login`, { headers: { 'accept-encoding': encoding } });
      expect(res.status).toBe(200);
      expect(csp(res), encoding).toMatch(/script-src 'self' 'sha256-/);
      expect(csp(res), encoding).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy')?.match(/frame-ancestors/g)?.length, encoding).toBe(1);
    }
  });

  it('a signed-in app page, a redirect, a prerendered guide and a 404 carry it too', async () => {
    const admin = await signedIn('admin@demo.opspath.test');
    const responses = [
      await admin.get('/app/'),
      await fetch(`${base}/app/`, { redirect: 'manual' }),
      await fetch(`${base}/roles/`),
      await fetch(`${base}/no-such-page/`),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 303, 200, 404]);
    for (const res of responses) expect(csp(res), res.url).toContain("frame-ancestors 'none'");
  });
});

describe('an address no page answers', () => {
  it.each(['/no-such-page/', '/app/no-such-page/', '/roles/no-such-role/', '/compare/a/b/', '/_astro/missing.js'])(
    "%s gets the site's 404 page, never cached",
    async (path) => {
      const res = await fetch(base + path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('<title>Page not found · OpsPath</title>');
      expect(html).toMatch(/<nav class="site-nav" aria-label="Main">[\s\S]*href="\/roles\/"/);
    },
  );

  it.each(['/404/', '/404.html', '/500.html', '/500/'])('the error page itself is not served with 200 at %s', async (path) => {
    expect((await fetch(base + path)).status).toBe(404);
  });

  it('passes axe, and its links lead on', async () => {
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext()).newPage();
      const res = await page.goto(`${base}/no-such-page/`);
      expect(res?.status()).toBe(404);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page not found');
      await checkA11y(page, '404');
      await page.getByRole('link', { name: 'Browse the role guides' }).click();
      await page.waitForURL(`${base}/roles/`);
    } finally {
      await browser.close();
    }
  });
});
