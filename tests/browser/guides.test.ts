// The public portal in a real browser: every guide with its key facts, no
// JavaScript on guide pages, accessibility, print and small screens.
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { launchBrowser, checkA11y } from '../support/browser.ts';
import { roleSchema, ROLE_SLUGS, type Role } from '#content/schema.ts';
import { formatMoney, formatYears } from '#domain/format.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;
let context: BrowserContext;

const contentFile = (...path: string[]) => readFileSync(join(import.meta.dirname, '..', '..', 'content', ...path), 'utf8');

function role(slug: string): Role {
  const src = contentFile('roles', `${slug}.md`);
  return roleSchema.parse(yaml.load(/^---\n([\s\S]*?)\n---/.exec(src)![1]!));
}

async function open(path: string, ctx = context): Promise<Page> {
  const page = await ctx.newPage();
  const res = await page.goto(baseUrl + path);
  expect(res?.status(), path).toBe(200);
  return page;
}

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext();
});
afterAll(async () => {
  await browser?.close();
});

describe('role guides', () => {
  for (const slug of ROLE_SLUGS) {
    it(`${slug}: shows its key facts, ships no script and passes axe`, async () => {
      const r = role(slug);
      const page = await open(`/roles/${slug}/`);
      expect(await page.locator('h1').count()).toBe(1);
      await expect(page.locator('h1').textContent()).resolves.toBe(r.title);
      const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      for (const t of r.tiers) {
        expect(text).toContain(t.title);
        expect(text).toContain(formatYears(t.yearsMin, t.yearsMax));
      }
      const pay = [
        ...Object.values(r.pay.levels ?? {}).flatMap((v) => (v === null ? [] : typeof v === 'number' ? [v] : [v.min, v.max])),
        ...Object.values(r.pay.percentiles ?? {}),
      ];
      expect(pay.length).toBeGreaterThan(4);
      for (const v of pay) expect(text, `pay figure ${v}`).toContain(formatMoney(v, 'USD'));
      for (const f of r.faq) expect(text).toContain(f.q);
      if (r.pay.proxy) expect(text).toContain(`proxy occupation ${r.pay.proxy.soc}`);
      expect(await page.locator('script').count()).toBe(0);
      await expect(page.locator(`a[href="/salaries/?role=${slug}"]`).count()).resolves.toBe(1);
      await checkA11y(page, slug);
      await page.close();
    });
  }

  it('guide HTML as served contains no script tag', async () => {
    for (const slug of ROLE_SLUGS) {
      const html = await (await fetch(`${baseUrl}/roles/${slug}/`)).text();
      expect(html).not.toMatch(/<script/i);
    }
  });

  it('prints without navigation chrome', async () => {
    const page = await open('/roles/operations-coordinator/');
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.site-header').isVisible()).resolves.toBe(false);
    await expect(page.locator('nav.toc').isVisible()).resolves.toBe(false);
    await expect(page.locator('#faq').isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('fits a 360 px screen without horizontal scrolling', async () => {
    const small = await browser.newContext({ viewport: { width: 360, height: 740 } });
    for (const path of [
      '/',
      '/roles/operations-manager/',
      '/compare/operations-assistant/operations-officer/',
      '/playbook/',
      '/certifications/',
    ]) {
      const page = await open(path, small);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
      await page.close();
    }
    await small.close();
  });

  it('has a skip link that moves focus to the main content', async () => {
    const page = await open('/roles/operations-officer/');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    await page.close();
  });
});

describe('portal pages', () => {
  it('home shows the ladder with every role, its tiers and median pay', async () => {
    const page = await open('/');
    const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    for (const slug of ROLE_SLUGS) {
      const r = role(slug);
      await expect(page.locator(`a[href="/roles/${slug}/"]`).first().isVisible()).resolves.toBe(true);
      const median = r.pay.levels?.median ?? r.pay.percentiles?.p50;
      expect(text).toContain(formatMoney(median!, 'USD'));
      for (const t of r.tiers) expect(text).toContain(t.title);
    }
    await checkA11y(page, 'home');
    await page.close();
  });

  it('compares two roles picked in the form, without JavaScript', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const page = await open('/compare/', noJs);
    await page.selectOption('#a', 'operations-assistant');
    await page.selectOption('#b', 'operations-manager');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/compare\/operations-assistant\/operations-manager\/$/);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Operations Assistant');
    expect(text).toContain('Operations Manager');
    expect(text).toContain('$105,770');
    expect(text).toContain('$47,540');
    // axe-core runs as page script, so it hangs where JavaScript is off: audit the same page with it on.
    const audited = await open(new URL(page.url()).pathname);
    await checkA11y(audited, 'compare pair');
    await audited.close();

    // The same role on both sides is said so, with the other roles to pick from, not swapped for another role.
    await page.goto(`${baseUrl}/compare/`);
    await page.selectOption('#a', 'operations-officer');
    await page.selectOption('#b', 'operations-officer');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/compare\/operations-officer\/operations-officer\/$/);
    await expect(page.getByTestId('same-role').innerText()).resolves.toContain('You chose Operations Officer on both sides');
    await expect(page.getByRole('link', { name: 'Operations Officer vs Operations Manager' }).getAttribute('href')).resolves.toBe(
      '/compare/operations-officer/operations-manager/',
    );
    const same = await open('/compare/operations-officer/operations-officer/');
    await checkA11y(same, 'compare the same role');
    await same.close();
    await noJs.close();
  });

  for (const path of ['/roles/', '/compare/', '/certifications/', '/playbook/']) {
    it(`${path} has one h1 and passes axe`, async () => {
      const page = await open(path);
      expect(await page.locator('h1').count()).toBe(1);
      await checkA11y(page, path);
      await page.close();
    });
  }

  it('certification catalog states validity, including where there is no data', async () => {
    const page = await open('/certifications/');
    const pmp = (await page.locator('#pmi-pmp').innerText()).replace(/\s+/g, ' ');
    expect(pmp).toContain('3 years');
    expect(pmp).toContain('60 PDUs');
    expect(await page.locator('#asq-cssgb').innerText()).toContain('Lifetime');
    expect(await page.locator('#erp-vendor').innerText()).toContain('No data');
    await page.close();
  });

  it('playbook lists every KPI and the RAG guide', async () => {
    const page = await open('/playbook/');
    // Read straight from the content file, not through the catalog loader the page uses.
    const kpis = yaml.load(contentFile('playbook', 'kpis.yaml')) as { id: string }[];
    expect(kpis.length).toBeGreaterThan(0);
    for (const { id } of kpis) {
      await expect(page.locator(`#${id}`).count(), id).resolves.toBe(1);
    }
    const rag = await page.locator('#rag-guide').innerText();
    for (const c of ['Red', 'Amber', 'Green']) expect(rag).toContain(c);
    await page.close();
  });
});
