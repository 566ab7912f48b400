// What people print, printed by Chromium to PDF (page.pdf with the pages' own
// @page sizes) and read back with poppler's pdftotext, plus the same pages laid
// out for print (emulateMedia) to measure where cells fall:
// - no column is lost: every certification of the compliance matrix, every
//   skill of the heatmap and every tier of a guide's targets table is in the
//   PDF, and no cell lies beyond the page's content width;
// - no app chrome (navigation, "Signed in as… Sign out", filter forms);
// - collapsed <details> print open; the expiry chart's empty frame is gone;
// - the guide has page margins; "Manager" is never cut mid-word; the ramp
//   sheet's last page is not a lone footnote and its Printed time is on the
//   organisation's clock.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { baseUrl, browserAndServerDatabase, DEMO_ACCOUNTS, signedIn } from '../support/app.ts';
import { rampPlans, users } from '#server/db/schema.ts';
import { formatInstantIn } from '#domain/calendar.ts';
import { DEMO_TIME_ZONE } from '#server/demo/index.ts';
import { islandTakesOver } from '../support/browser.ts';

const fixture = browserAndServerDatabase();
const dir = mkdtempSync(join(tmpdir(), 'opspath-print-'));
let context: BrowserContext;
let ninaPlan: number;

// A4 less the stylesheet's @page margins, in CSS pixels (96 per inch): what a
// line of print may use. Emulated print lays out at the viewport's width.
const mm = (n: number) => Math.floor((n * 96) / 25.4);
const PORTRAIT = { width: mm(210 - 24), height: 1000 };
const LANDSCAPE = { width: mm(297 - 20), height: 800 };

beforeAll(async () => {
  const manager = await signedIn(DEMO_ACCOUNTS.manager);
  context = await fixture.browser.newContext();
  const [name, value] = manager.cookie!.split('=') as [string, string];
  await context.addCookies([{ name, value, url: baseUrl(), httpOnly: true, sameSite: 'Lax' }]);
  const [nina] = await fixture.database.db.select().from(users).where(eq(users.email, DEMO_ACCOUNTS.newHire));
  const [plan] = await fixture.database.db
    .select()
    .from(rampPlans)
    .where(and(eq(rampPlans.userId, nina!.id), eq(rampPlans.status, 'active')));
  ninaPlan = plan!.id;
});
afterAll(async () => {
  await context?.close();
  if (!process.env.KEEP_PRINTS) rmSync(dir, { recursive: true, force: true });
});

type Printed = { text: string; layout: string; pages: string[]; leftmost: number };

/** Prints the page as Chromium's print to PDF does (beforeprint runs, @page sizes apply) and reads the PDF back. */
async function printToPdf(page: Page, name: string): Promise<Printed> {
  const file = join(dir, `${name}.pdf`);
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
  const read = (...args: string[]) => execFileSync('pdftotext', [...args, file, '-'], { encoding: 'utf8' });
  const layout = read('-layout');
  // The words' boxes: the leftmost word shows whether the page has a margin.
  const boxes = read('-bbox');
  const xs = [...boxes.matchAll(/<word xMin="([\d.]+)"/g)].map((m) => Number(m[1]));
  expect(xs.length).toBeGreaterThan(0);
  return {
    // Content-stream order: Chromium draws a table cell by cell, so a header
    // wrapped over two lines reads whole. pdftotext's default reading order
    // merges lines across neighbouring cells ("ITIL 4 Lean Foundation") once
    // the columns narrow, which made the check depend on the rows present.
    // A line broken after a hyphen ("PL-" / "300") joins without a space.
    text: read('-raw').replace(/-\n/g, '-').replace(/\s+/g, ' '),
    layout,
    pages: layout.split('\f').filter((p) => p.trim() !== ''),
    leftmost: Math.min(...xs),
  };
}

/** Lays the page out for print (as the browser does before printing) at the given paper width. */
async function printLayout(page: Page, viewport: { width: number; height: number }) {
  await page.setViewportSize(viewport);
  await page.emulateMedia({ media: 'print' });
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
}

/** Table cells drawn (partly) beyond the right edge of the paper's content box. */
function cellsPastTheEdge(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return Array.from(document.querySelectorAll('th, td'))
      .filter((cell) => {
        const box = cell.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && box.right > width + 1;
      })
      .map((cell) => (cell.textContent ?? '').trim().slice(0, 40));
  });
}

async function open(path: string, viewport = PORTRAIT): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const res = await page.goto(baseUrl() + path);
  expect(res?.status()).toBe(200);
  return page;
}

function expectNoChrome(printed: Printed) {
  for (const chrome of ['Sign out', 'Signed in as', 'Skip to content', 'Apply filters', 'My workspace']) {
    expect(printed.text, chrome).not.toContain(chrome);
  }
}

async function expectChromeHidden(page: Page) {
  for (const selector of ['nav', 'form[action="/logout"]', 'form[method="get"]', 'body > header', 'body > footer']) {
    for (const element of await page.locator(selector).all()) expect(await element.isVisible(), selector).toBe(false);
  }
}

describe('printing', () => {
  it('prints every certification column of the compliance matrix, its key open and no empty chart frame', async () => {
    const page = await open('/app/certifications/', LANDSCAPE);
    // Printed as people print it, after the island has drawn its own table (which once lacked the print split).
    await islandTakesOver(page, 'table.matrix[data-island]');
    const columns = await page
      .locator('table.matrix thead th abbr')
      .evaluateAll((abbrs) => abbrs.map((a) => ({ short: a.textContent!.trim(), name: a.getAttribute('title')! })));
    expect(columns.length).toBeGreaterThanOrEqual(10);

    const printed = await printToPdf(page, 'certifications');
    const matrix = printed.text.slice(printed.text.indexOf('People and certifications'));
    for (const c of columns) {
      expect(matrix, c.short).toMatch(new RegExp(`(^| )${c.short.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( |$)`));
      expect(matrix, c.name).toContain(`(${c.name})`);
    }
    expectNoChrome(printed);
    expect(printed.text).toContain('What the states mean');
    expect(printed.text).toContain('Earned and not expiring');
    expect(printed.text).toContain('Expiries per month');

    await printLayout(page, LANDSCAPE);
    expect(await cellsPastTheEdge(page)).toEqual([]);
    await expectChromeHidden(page);
    expect(await page.locator('details.key dl').isVisible()).toBe(true);
    for (const frame of await page.locator('figure').all()) expect(await frame.isVisible()).toBe(false);
    await page.close();
  });

  it('prints every skill column of the heatmap', async () => {
    const page = await open('/app/skills/', LANDSCAPE);
    const skills = await page.locator('table.matrix thead th.sk span').evaluateAll((s) => s.map((e) => e.getAttribute('title')!));
    expect(skills.length).toBeGreaterThanOrEqual(30);

    const printed = await printToPdf(page, 'skills');
    // After the heatmap's caption: the single-points-of-failure list above it names skills too.
    const heatmap = printed.text.slice(printed.text.indexOf('Skills heatmap:'));
    expect(heatmap.length).toBeLessThan(printed.text.length);
    for (const skill of skills) expect(heatmap, skill).toContain(skill);
    expectNoChrome(printed);

    await printLayout(page, LANDSCAPE);
    expect(await cellsPastTheEdge(page)).toEqual([]);
    await expectChromeHidden(page);
    await page.close();
  });

  it('prints a guide with margins, every tier column and its sources and caveats open', async () => {
    const page = await open('/roles/operations-manager/');
    const tiers = await page.locator('.targets table thead th').evaluateAll((ths) => ths.slice(1).map((th) => th.textContent!.trim()));
    expect(tiers.length).toBeGreaterThanOrEqual(3);
    const caveat = (await page.locator('details.sourcing li').first().textContent())!.replace(/\s+/g, ' ').trim().slice(0, 60);

    const printed = await printToPdf(page, 'guide');
    const targets = printed.text.slice(printed.text.indexOf('Target proficiency by tier'));
    // The head row, read between the caption and the first skill's row.
    const firstSkill = (await page.locator('.targets tbody th').first().textContent())!.trim();
    const heads = targets.slice(0, targets.indexOf(firstSkill));
    expect(heads.length).toBeGreaterThan(0);
    for (const tier of tiers) expect(heads, tier).toContain(tier);
    expect(printed.text).toContain(caveat);
    // 12 mm is 34 pt: no word starts in the paper's outer centimetre.
    expect(printed.leftmost).toBeGreaterThan(28);
    expectNoChrome(printed);

    await printLayout(page, PORTRAIT);
    expect(await cellsPastTheEdge(page)).toEqual([]);
    expect(await page.locator('details.sourcing ul').isVisible()).toBe(true);
    await page.close();
  });

  it("prints the ramp sheet with whole words, no lone last page and the time on the organisation's clock", async () => {
    const page = await open(`/app/ramp/${ninaPlan}/print`);
    const before = new Date();
    const printed = await printToPdf(page, 'ramp-print');
    const after = new Date();

    const stamp = /Printed\s+(\S.*?\))/.exec(printed.layout)?.[1];
    const expected = [formatInstantIn(before, DEMO_TIME_ZONE), formatInstantIn(after, DEMO_TIME_ZONE)];
    expect(expected).toContain(stamp);
    expect(stamp).toContain(`(${DEMO_TIME_ZONE})`);

    expect(printed.text).toMatch(/\bManager\b/);
    expect(printed.layout).not.toMatch(/\bManage\s*\n\s*r\b/);
    expect(printed.pages.at(-1)).toMatch(/day \d+/);
    expectNoChrome(printed);

    await printLayout(page, PORTRAIT);
    expect(await cellsPastTheEdge(page)).toEqual([]);
    await page.close();
  });

  it('prints the ramp plan page and the salaries without chrome or controls', async () => {
    for (const [path, name] of [
      [`/app/ramp/${ninaPlan}/`, 'ramp-plan'],
      ['/salaries/', 'salaries'],
    ] as const) {
      const page = await open(path);
      const printed = await printToPdf(page, name);
      expectNoChrome(printed);
      expect(printed.text).not.toContain('Mark not done');
      await printLayout(page, PORTRAIT);
      expect(await cellsPastTheEdge(page), path).toEqual([]);
      await expectChromeHidden(page);
      await page.close();
    }
  });
});
