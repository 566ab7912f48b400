// The salary explorer island in Chromium against the production build: each
// control redraws the table and the chart without a navigation, the URL follows
// (shareable, and the back button restores the previous view), every figure
// keeps its provenance label, a shared URL opened fresh renders the same table
// on the server, and the form still works with JavaScript off.
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, checkA11y } from '../support/browser.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const tablesText = (page: Page) => page.locator('table.pay-table').allInnerTexts();
const marker = (page: Page) => page.evaluate(() => (window as unknown as { __marker?: string }).__marker ?? null);
const path = (page: Page) => page.url().slice(baseUrl.length);

/** Opens the explorer, waits for the island, and marks the window: a navigation would lose the mark. */
async function openIsland(ctx: BrowserContext, at: string): Promise<Page> {
  const page = await ctx.newPage();
  const res = await page.goto(baseUrl + at);
  expect(res?.status()).toBe(200);
  // client:interaction: the island loads as the pointer reaches the form.
  await page.hover('form.pay-filters');
  await page.locator('form.pay-filters[data-island="ready"]').waitFor({ state: 'attached' });
  await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'same page'));
  return page;
}

/** What the server renders for a URL (fresh context, JavaScript off): the text of each match of a selector. */
async function serverText(at: string, selector: string): Promise<string[]> {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(baseUrl + at);
  const text = await page.locator(selector).allInnerTexts();
  await ctx.close();
  return text;
}
const serverTables = (at: string) => serverText(at, 'table.pay-table');

/** Every drawn figure keeps its label with kind, basis, source and year, as the server draws it. */
async function expectProvenance(page: Page) {
  const figures = page.locator('table.pay-table .figure');
  const n = await figures.count();
  expect(n).toBeGreaterThan(0);
  const labels = await figures.evaluateAll((els) =>
    els.map((e) => ({
      source: e.getAttribute('data-figure-source'),
      kind: e.getAttribute('data-figure-kind'),
      year: e.getAttribute('data-figure-year'),
      label: e.querySelector('.figure-label')?.textContent ?? '',
    })),
  );
  for (const f of labels) {
    expect(f.source && f.label.includes(f.source), JSON.stringify(f)).toBe(true);
    expect(f.label).toMatch(f.year === 'not stated' ? /year not stated/ : new RegExp(`· ${f.year}$`));
    expect(f.label).toMatch(/basis not stated|gross/);
    if (f.kind === 'proxy-occupation') expect(f.label).toMatch(/proxy occupation|percentile/);
  }
}

/** Script files the page has requested so far. */
const scriptsLoaded = (page: Page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((n) => n.endsWith('.js')),
  );

describe('salary explorer island', () => {
  it('loads no script for a reader who does not touch the form, and draws a change made while it loads', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(baseUrl + '/salaries/', { waitUntil: 'networkidle' });
    await page.evaluate(() => ((window as unknown as { __marker: string }).__marker = 'same page'));
    await page.waitForTimeout(500);
    expect((await scriptsLoaded(page)).filter((n) => /SalaryExplorer|client\.[\w-]+\.js$/.test(n))).toEqual([]);
    expect(await page.locator('form.pay-filters').getAttribute('data-island')).toBeNull();

    // The first touch is itself a change: no hover first, the click starts the load and changes the form at once.
    await page.locator('form.pay-filters input[name="region"][value="us"]').uncheck();
    await expect.poll(() => path(page)).toBe('/salaries/?region=ro&region=bucharest&region=cluj-napoca&region=timisoara&region=iasi');
    await expect.poll(() => page.locator('tbody[data-regions="us"]').count()).toBe(0);
    expect(await marker(page)).toBe('same page');
    expect((await scriptsLoaded(page)).some((n) => /SalaryExplorer/.test(n))).toBe(true);
    expect(await tablesText(page)).toEqual(await serverTables(path(page)));
    await ctx.close();
  });

  it('each control redraws the table and the URL without a navigation; back restores the view', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await openIsland(ctx, '/salaries/');
    const form = page.locator('form.pay-filters');
    const initial = await tablesText(page);
    expect(initial.length).toBe(5);

    // Region: untick the United States.
    await form.locator('input[name="region"][value="us"]').uncheck();
    await expect.poll(() => path(page)).toBe('/salaries/?region=ro&region=bucharest&region=cluj-napoca&region=timisoara&region=iasi');
    await expect.poll(() => page.locator('tbody[data-regions="us"]').count()).toBe(0);
    expect(await page.locator('#pay-tables').getAttribute('data-island')).toBe('salary-explorer');
    expect(await tablesText(page)).toEqual(await serverTables(path(page)));
    await expectProvenance(page);

    // Level: only entry level.
    for (const box of await form.locator('input[name="level"]').all()) await box.uncheck();
    await form.locator('input[name="level"][value="entry"]').check();
    await expect
      .poll(() => path(page))
      .toBe('/salaries/?region=ro&region=bucharest&region=cluj-napoca&region=timisoara&region=iasi&level=entry');
    await expect
      .poll(async () => (await page.locator('table.pay-table tr[data-figure]').allInnerTexts()).every((t) => /Entry/.test(t)))
      .toBe(true);
    expect(await tablesText(page)).toEqual(await serverTables(path(page)));

    // Currency: euros; the converted marks, the published figure and the header follow.
    await page.selectOption('#pay-currency', 'EUR');
    await expect.poll(() => path(page)).toMatch(/&level=entry&currency=EUR$/);
    const entry = page.locator('[data-figure="ro-support-specialist-bucharest-entry"]');
    await expect.poll(() => entry.locator('.figure-value').innerText()).toBe('≈ €885–€1,376/month');
    expect(await entry.locator('.original').innerText()).toBe('from 4,500–7,000 RON/month');
    expect(await entry.locator('.figure-label').innerText()).toMatch(
      /^Entry level, range, published level · monthly, gross · .+ · (\d{4}|year not stated)$/,
    );
    expect(await page.locator('thead').first().innerText()).toContain('Amount (EUR, period as published)');
    expect(await page.locator('#rates-converted').isVisible()).toBe(true);
    expect(await page.locator('#converted-note').isVisible()).toBe(true);
    expect(await tablesText(page)).toEqual(await serverTables(path(page)));

    // Period: per year.
    await page.selectOption('#pay-period', 'annual');
    await expect.poll(() => path(page)).toMatch(/&currency=EUR&period=annual$/);
    await expect.poll(() => entry.locator('.figure-value').innerText()).toBe('≈ €10,615–€16,512/year');
    expect(await page.inputValue('#share-link')).toBe(page.url());
    await expectProvenance(page);
    const annual = await tablesText(page);
    expect(annual).toEqual(await serverTables(path(page)));

    // Role: untick the manager (one change, one history entry).
    await form.locator('input[name="role"][value="operations-manager"]').uncheck();
    await expect.poll(() => page.locator('table.pay-table').count()).toBe(4);
    expect(path(page)).toMatch(/^\/salaries\/\?role=operations-assistant&.*&currency=EUR&period=annual$/);
    expect(await page.locator('table.pay-table[data-role="operations-manager"]').count()).toBe(0);
    expect(await marker(page)).toBe('same page');

    // Back: the previous view (every role, per year) with its controls.
    await page.goBack();
    await expect.poll(() => path(page)).toMatch(/\?region=ro.*&currency=EUR&period=annual$/);
    await expect.poll(() => tablesText(page)).toEqual(annual);
    expect(await page.locator('input[name="role"]:checked').count()).toBe(5);
    expect(await page.inputValue('#pay-period')).toBe('annual');
    // Back again: the period as published, the figure per month again.
    await page.goBack();
    await expect.poll(() => page.inputValue('#pay-period')).toBe('native');
    await expect.poll(() => entry.locator('.figure-value').innerText()).toBe('≈ €885–€1,376/month');
    expect(await tablesText(page)).toEqual(await serverTables(path(page)));
    // Back through each level box ticked and unticked, to the first view.
    for (let i = 0; i < 20 && path(page) !== '/salaries/'; i++) await page.goBack();
    expect(path(page)).toBe('/salaries/');
    await expect.poll(() => tablesText(page)).toEqual(initial);
    expect(await page.locator('input[name="region"]:checked').count()).toBe(6);
    expect(await page.inputValue('#pay-currency')).toBe('native');
    expect(await page.locator('#rates-converted').isVisible()).toBe(false);
    // Forward again works the same way.
    await page.goForward();
    await expect.poll(() => page.locator('input[name="region"][value="us"]').isChecked()).toBe(false);
    expect(await marker(page)).toBe('same page');
    await ctx.close();
  });

  it('redraws the chart for the new view, loading it when it is in view', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await openIsland(ctx, '/salaries/?role=operations-manager');
    await page.selectOption('#pay-currency', 'USD');
    await expect.poll(() => path(page)).toBe('/salaries/?role=operations-manager&currency=USD');
    await expect.poll(() => page.locator('#pay-chart-panels').getAttribute('data-island')).toBe('salary-explorer');
    // The same panels as the server draws for this link: one per unit shown, converted ones marked.
    const captions = () => page.locator('#pay-chart-panels figure figcaption').allInnerTexts();
    expect(await captions()).toEqual(await serverText(path(page), '#pay-chart-panels figure figcaption'));
    expect((await captions()).some((c) => c.includes('includes converted figures'))).toBe(true);
    const frame = page.locator('#pay-chart-panels .pay-chart').first();
    await frame.scrollIntoViewIfNeeded();
    await frame.locator('svg.recharts-surface').waitFor();
    const rows = await frame.locator('.pay-chart-rows li').count();
    await expect.poll(() => frame.locator('.recharts-bar-rectangle').count()).toBe(rows);
    // Percentiles only, in Romania: no figure to chart, and the chart says so, as the server does.
    for (const box of await page.locator('input[name="level"]').all()) await box.uncheck();
    await page.locator('input[name="level"][value="p10"]').check();
    for (const box of await page.locator('input[name="region"]').all()) await box.uncheck();
    await page.locator('input[name="region"][value="bucharest"]').check();
    await expect.poll(() => path(page)).toBe('/salaries/?role=operations-manager&region=bucharest&level=p10&currency=USD');
    const empty = (await serverText(path(page), '#pay-chart-panels figure figcaption')).length === 0;
    expect(empty).toBe(true);
    await expect.poll(() => page.locator('#pay-chart-empty').isVisible()).toBe(true);
    expect(await page.locator('#pay-chart-key').isVisible()).toBe(false);
    expect(await page.locator('#pay-chart-panels figure').count()).toBe(0);
    expect(await marker(page)).toBe('same page');
    await checkA11y(page, 'island-drawn view');
    await ctx.close();
  });

  it('a shared URL opened fresh renders the same table on the server', async () => {
    const ctx = await browser.newContext();
    const page = await openIsland(ctx, '/salaries/');
    await page.locator('input[name="region"][value="us"]').uncheck();
    await page.selectOption('#pay-period', 'monthly');
    await expect.poll(() => path(page)).toMatch(/period=monthly$/);
    const shared = await page.inputValue('#share-link');
    expect(shared).toBe(page.url());
    const mine = await tablesText(page);
    // JavaScript off: what the server sends for the link is the same table.
    expect(await serverTables(new URL(shared).pathname + new URL(shared).search)).toEqual(mine);
    await ctx.close();
  });

  it('works without JavaScript: the form is a GET round trip', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(baseUrl + '/salaries/');
    await page.locator('input[name="region"][value="us"]').uncheck();
    await page.selectOption('#pay-currency', 'EUR');
    await Promise.all([page.waitForURL(/currency=EUR/), page.getByRole('button', { name: 'Show figures' }).click()]);
    expect(path(page)).toBe('/salaries/?region=ro&region=bucharest&region=cluj-napoca&region=timisoara&region=iasi&currency=EUR');
    expect(await page.locator('tbody[data-regions="us"]').count()).toBe(0);
    expect(await page.locator('[data-figure="ro-support-specialist-bucharest-entry"] .figure-value').innerText()).toBe(
      '≈ €885–€1,376/month',
    );
    expect(await page.locator('#pay-tables').getAttribute('data-island')).toBeNull();
    await ctx.close();
  });

  it('has no axe violations after the island has redrawn the table', async () => {
    const ctx = await browser.newContext();
    const page = await openIsland(ctx, '/salaries/');
    await page.selectOption('#pay-currency', 'RON');
    await expect.poll(() => page.locator('#pay-tables').getAttribute('data-island')).toBe('salary-explorer');
    expect(await page.locator('#pay-status').innerText()).toMatch(/^Showing \d+ figures for 5 roles\.$/);
    await checkA11y(page, 'island view');
    await ctx.close();
  });
});
