// The candidate self-check in Chromium: rating against a tier, gaps to it and
// the next tier, a link that reproduces the state in a fresh browser, nothing
// sent to the server while rating, accessibility, and the view without JavaScript.
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { launchBrowser, checkA11y } from '../support/browser.ts';
import { roleSchema, ROLE_SLUGS, type Role } from '#content/schema.ts';
import { LEVELS } from '#domain/scale.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;

function role(slug: string): Role {
  const src = readFileSync(join(import.meta.dirname, '..', '..', 'content', 'roles', `${slug}.md`), 'utf8');
  return roleSchema.parse(yaml.load(/^---\n([\s\S]*?)\n---/.exec(src)![1]!));
}

// The scenario: Operations Officer, mid tier. One skill rated a level under its
// target, one at its target, and one skill only the next tier asks for.
const officer = role('operations-officer');
const tierIndex = officer.tiers.findIndex((t) => t.id === 'mid');
const mid = officer.tiers[tierIndex]!;
const next = officer.tiers[tierIndex + 1]!;
const midSkills = Object.entries(mid.targets);
const [below, belowTarget] = midSkills.find(([, t]) => t >= 1)!;
const [meets, meetsTarget] = midSkills.find(([s, t]) => s !== below && t >= 1)!;
const nextOnly = Object.keys(next.targets).find((s) => mid.targets[s] === undefined)!;
const ratings: Record<string, number> = { [below]: belowTarget - 1, [meets]: meetsTarget, [nextOnly]: 0 };
const total = midSkills.length;

/** Static assets are the only requests the self-check may make. */
const isStatic = (r: Request) => {
  const url = new URL(r.url());
  return r.method() === 'GET' && url.origin === new URL(baseUrl).origin && /^\/(_astro\/|favicon\.svg$)/.test(url.pathname);
};

async function openHydrated(ctx: BrowserContext, path: string): Promise<Page> {
  const page = await ctx.newPage();
  const res = await page.goto(baseUrl + path);
  expect(res?.status()).toBe(200);
  // Astro drops the ssr attribute once the island has hydrated.
  await page.waitForSelector('astro-island:not([ssr])', { state: 'attached' });
  return page;
}

const row = (page: Page, skill: string) => page.locator(`li[data-skill="${skill}"]`);
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const rowText = async (page: Page, skill: string) => squash(await row(page, skill).innerText());
const summary = async (page: Page) => squash(await page.locator('.sc-results [role=status]').first().innerText());

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('self-check', () => {
  it('rates against a tier, shows the gaps, sends nothing and reproduces itself from the copied link', async () => {
    const ctx = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await openHydrated(ctx, '/self-check/');
    const requests: Request[] = [];
    page.on('request', (r) => requests.push(r));

    await page.selectOption('#sc-role', 'operations-officer');
    await page.selectOption('#sc-tier', 'mid');
    for (const [skill, level] of Object.entries(ratings)) await page.selectOption(`#sc-rate-${skill}`, String(level));

    const label = (n: number) => `${LEVELS[n]!.label} (${n})`;
    await expect(rowText(page, below)).resolves.toContain(`This tier: target ${label(belowTarget)} 1 level below`);
    await expect(rowText(page, meets)).resolves.toContain(`This tier: target ${label(meetsTarget)} meets it`);
    await expect(rowText(page, nextOnly)).resolves.toContain('This tier: no target');
    const nextTarget = next.targets[nextOnly]!;
    await expect(rowText(page, nextOnly)).resolves.toContain(
      `Next tier: target ${label(nextTarget)} ${nextTarget === 0 ? 'meets it' : `${nextTarget} level${nextTarget === 1 ? '' : 's'} below`}`,
    );
    const tally = await summary(page);
    expect(tally).toContain(`This tier, ${mid.title}: meets 1 of ${total} targets, 1 below, ${total - 2} not rated yet.`);
    expect(tally).toContain(`Next tier, ${next.title}: meets`);
    const learn = await page.locator('.sc-learn li').allInnerTexts();
    expect(learn.length).toBeGreaterThanOrEqual(2);
    // The largest gap to the chosen tier comes first.
    expect(learn[0]).toContain("1 level below this tier's target");

    const expectedQuery = `role=operations-officer&tier=mid&r=${Object.keys(ratings)
      .sort()
      .map((s) => `${s}.${ratings[s]}`)
      .join(',')}`;
    expect(new URL(page.url()).search).toBe(`?${expectedQuery}`);

    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => page.locator('.sc-copied').innerText()).toBe('Link copied.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(page.url());

    // Rating happened entirely in the browser: nothing but static files was fetched.
    expect(requests.filter((r) => !isStatic(r)).map((r) => `${r.method()} ${r.url()}`)).toEqual([]);
    const before = { rows: await Promise.all(Object.keys(ratings).map((s) => rowText(page, s))), tally, learn };
    await ctx.close();

    const fresh = await browser.newContext();
    const again = await openHydrated(fresh, copied.slice(baseUrl.length));
    await expect(again.locator('#sc-role').inputValue()).resolves.toBe('operations-officer');
    await expect(again.locator('#sc-tier').inputValue()).resolves.toBe('mid');
    for (const [skill, level] of Object.entries(ratings)) {
      await expect(again.locator(`#sc-rate-${skill}`).inputValue(), skill).resolves.toBe(String(level));
    }
    await expect(
      again.locator('.sc-skills select').evaluateAll((els) => els.filter((e) => (e as HTMLSelectElement).value !== '').length),
    ).resolves.toBe(Object.keys(ratings).length);
    expect({
      rows: await Promise.all(Object.keys(ratings).map((s) => rowText(again, s))),
      tally: await summary(again),
      learn: await again.locator('.sc-learn li').allInnerTexts(),
    }).toEqual(before);
    expect(again.url()).toBe(copied);
    await fresh.close();
  });

  it('can be used with the keyboard alone', async () => {
    const ctx = await browser.newContext();
    const page = await openHydrated(ctx, '/self-check/?role=operations-officer&tier=mid');
    await page.locator(`#sc-rate-${below}`).focus();
    await page.keyboard.press('ArrowDown'); // from "Not rated" to the first level
    await expect(page.locator(`#sc-rate-${below}`).inputValue()).resolves.toBe('0');
    await expect(rowText(page, below)).resolves.toContain(`${belowTarget} level${belowTarget === 1 ? '' : 's'} below`);
    expect(new URL(page.url()).searchParams.get('r')).toBe(`${below}.0`);
    // Every rating control has a name from its label.
    const unnamed = await page.locator('select').evaluateAll((els) => els.filter((e) => !(e as HTMLSelectElement).labels?.length).length);
    expect(unnamed).toBe(0);
    await ctx.close();
  });

  it('cleans a link with unknown skills or bad levels and keeps the rest', async () => {
    const ctx = await browser.newContext();
    const page = await openHydrated(ctx, `/self-check/?role=operations-officer&tier=mid&r=no-such-skill.2,${below}.9,${meets}.2&utm=x`);
    await expect(page.locator(`#sc-rate-${meets}`).inputValue()).resolves.toBe('2');
    await expect(page.locator(`#sc-rate-${below}`).inputValue()).resolves.toBe('');
    expect(new URL(page.url()).search).toBe(`?role=operations-officer&tier=mid&r=${meets}.2`);
    await ctx.close();
  });

  it('passes axe before and after rating', async () => {
    const ctx = await browser.newContext();
    const empty = await openHydrated(ctx, '/self-check/');
    await checkA11y(empty, 'self-check, nothing chosen');
    const q = Object.entries(ratings)
      .map(([s, l]) => `${s}.${l}`)
      .join(',');
    const rated = await openHydrated(ctx, `/self-check/?role=operations-officer&tier=mid&r=${q}`);
    await rated.locator('.sc-levels summary').click(); // check the level definitions too
    await checkA11y(rated, 'self-check, rated');
    const top = await openHydrated(ctx, `/self-check/?role=operations-officer&tier=${officer.tiers.at(-1)!.id}`);
    await expect(top.locator('.sc-results').innerText()).resolves.toContain('is the top tier of this ladder');
    await checkA11y(top, 'self-check, top tier');
    await ctx.close();
  });

  it('fits a 360 px screen without horizontal scrolling', async () => {
    const ctx = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await openHydrated(ctx, `/self-check/?role=operations-officer&tier=mid&r=${below}.1`);
    await expect(page.locator('.sc-results').isVisible()).resolves.toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await ctx.close();
  });

  it('without JavaScript shows every role, tier and target as tables and says rating needs JavaScript', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${baseUrl}/self-check/`);
    const main = squash(await page.locator('main').innerText());
    expect(main).toContain('Rating yourself needs JavaScript');
    await expect(page.locator('.self-check').isVisible()).resolves.toBe(false);
    await expect(page.locator('table').count()).resolves.toBe(ROLE_SLUGS.length);
    for (const slug of ROLE_SLUGS) {
      const r = role(slug);
      const table = page.locator('table', { has: page.locator('caption', { hasText: `${r.title}: OpsPath's suggested targets` }) });
      await expect(table.isVisible(), slug).resolves.toBe(true);
      const headers = squash(await table.locator('thead').innerText());
      for (const t of r.tiers) expect(headers).toContain(t.title);
      // Each tier column holds exactly that tier's targets.
      const cells = await table
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
      r.tiers.forEach((t, i) => {
        const levels = cells
          .map((c) => c[i]!)
          .filter((c) => /^\d/.test(c))
          .map((c) => Number(c[0]));
        expect(levels.sort(), `${slug} ${t.id}`).toEqual(Object.values(t.targets).sort());
      });
    }
    await ctx.close();

    // axe needs JavaScript in the page (with it off, the audit never returns),
    // so the tables are audited in a JavaScript page where they are forced visible.
    const audit = await browser.newContext({ bypassCSP: true });
    const tables = await openHydrated(audit, '/self-check/');
    await tables.addStyleTag({ content: '.targets-reference { display: block !important; }' });
    await expect(tables.locator('table').first().isVisible()).resolves.toBe(true);
    await checkA11y(tables, 'self-check targets tables');
    await audit.close();
  });
});
