// Layout in real Chromium at a phone (390 x 844) and a desktop (1280 x 800)
// viewport, on one page of each type (tests/support/pages.ts: every public
// page type, the 404 page, and every /app page reached from the dashboard):
// - the page never scrolls sideways, and nothing is cut off at the right edge
//   unless it sits in its own scrolling box (a wide table in TableWrap), and
//   a table that scrolls there keeps its first column pinned (or reflows);
// - the site's CSP blocks nothing the page asks for (no console errors);
// - axe finds no violations;
// - on the phone the navigation is collapsed, so the first heading shows
//   within the top ~200 px, and the header and nav landmarks stay;
// and, on the pages that had them: the matrix rating dialog's Save button in
// the phone's viewport, matrix cells named with their numbers, and the
// compliance matrix's required-but-missing certificates findable at 1280 px.
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { checkA11y, islandTakesOver, matrixIsland } from '../support/browser.ts';
import { baseUrl, browserAndServerDatabase, signedIn, teamId, Visitor } from '../support/app.ts';
import { PUBLIC_PAGES, samplesOfEveryAppPage } from '../support/pages.ts';

const fixture = browserAndServerDatabase();
const base = baseUrl();

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** How far down the first heading may start on a phone: the navigation collapsed, not a screenful of links. */
const HEADING_WITHIN_PX = 200;

/** A browser context holding the visitor's session (or none), at a viewport. */
async function contextFor(visitor: Visitor, viewport: { width: number; height: number }): Promise<BrowserContext> {
  const context = await fixture.browser.newContext({ viewport });
  if (visitor.cookie) {
    const [name, ...value] = visitor.cookie.split('=');
    await context.addCookies([{ name: name!, value: value.join('='), url: base }]);
  }
  return context;
}

/** Opens a page and collects what the console reports as errors (a CSP refusal among them) while it loads. */
async function open(context: BrowserContext, path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // A refusal page's own status is reported as a failed load; that one is the point of the page
    // (the 404 page, and company sign-in's page on a server without OIDC_*).
    if (m.type() === 'error' && !(['/no-such-page/', '/auth/oidc/callback'].includes(path) && /status of 404/.test(m.text())))
      errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + path, { waitUntil: 'load' });
  return { page, errors };
}

/** Elements whose right edge passes the viewport without a scrolling box of their own inside it: clipped or scrolling the page. */
function cutOff(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    const scrolls = (el: Element) => /auto|scroll/.test(getComputedStyle(el).overflowX);
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || rect.right <= width + 1) continue;
      if (el.closest('.visually-hidden, dialog:not([open])')) continue;
      let box = el.parentElement;
      while (box && box !== document.body && !scrolls(box)) box = box.parentElement;
      if (box && box !== document.body && box.getBoundingClientRect().right <= width + 1) continue;
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${Array.from(el.classList).join('.')}` : ''}`;
      out.push(`${name} (right edge ${Math.round(rect.right)} px)`);
      if (out.length >= 5) break;
    }
    return out;
  });
}

/** Tables wider than the box they scroll in whose first column scrolls away with the rest (neither reflowed nor pinned). */
function unpinnedWideTables(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const table of Array.from(document.querySelectorAll('main table'))) {
      if (getComputedStyle(table).display !== 'table') continue; // reflowed into cards
      let box = table.parentElement;
      while (box && box !== document.body && !/auto|scroll/.test(getComputedStyle(box).overflowX)) box = box.parentElement;
      if (!box || box === document.body || box.scrollWidth <= box.clientWidth + 1) continue;
      const first = (table as HTMLTableElement).tBodies[0]?.rows[0]?.cells[0];
      if (first && getComputedStyle(first).position !== 'sticky')
        out.push(table.querySelector('caption')?.textContent?.trim().slice(0, 60) || box.getAttribute('aria-label') || 'a table');
    }
    return out;
  });
}

type Sample = { path: string; visitor: Visitor };
let samples: Promise<Sample[]> | null = null;
/** One page of each type, found once for the file. */
function pages(): Promise<Sample[]> {
  samples ??= (async () => {
    const admin = await signedIn('admin@demo.opspath.test');
    const manager = await signedIn('manager@demo.opspath.test');
    const app = await samplesOfEveryAppPage([admin, manager]);
    return [...PUBLIC_PAGES.map((path) => ({ path, visitor: new Visitor() })), ...app.values()];
  })();
  return samples;
}

for (const [label, viewport] of [
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const) {
  describe(`every page type at ${viewport.width} x ${viewport.height} (${label})`, () => {
    it('never scrolls sideways, clips nothing, loads without console errors and passes axe', { timeout: 900_000 }, async () => {
      const problems: string[] = [];
      const list = await pages();
      expect(list.length).toBeGreaterThan(PUBLIC_PAGES.length + 10);
      const contexts = new Map<Visitor, BrowserContext>();
      for (const { path, visitor } of list) {
        if (!contexts.has(visitor)) contexts.set(visitor, await contextFor(visitor, viewport));
        const { page, errors } = await open(contexts.get(visitor)!, path);
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        if (scrollWidth > innerWidth) problems.push(`${path}: the page scrolls sideways (${scrollWidth} > ${innerWidth} px)`);
        for (const clipped of await cutOff(page)) problems.push(`${path}: ${clipped} passes the right edge`);
        for (const table of await unpinnedWideTables(page)) problems.push(`${path}: "${table}" scrolls without its first column pinned`);
        for (const error of errors) problems.push(`${path}: console: ${error}`);
        if (label === 'phone') {
          const layout = await page.evaluate(() => ({
            heading: document.querySelector('main h1')?.getBoundingClientRect().top ?? null,
            banner: document.querySelector('header') !== null,
            nav: document.querySelector('header nav') !== null,
          }));
          if (layout.heading === null || layout.heading > HEADING_WITHIN_PX)
            problems.push(`${path}: the first heading starts at ${layout.heading} px (navigation not collapsed?)`);
          if (!layout.banner || !layout.nav) problems.push(`${path}: no <header> with a <nav>`);
        }
        try {
          await checkA11y(page, `${path} at ${viewport.width} px`);
        } catch (error) {
          const found = (error as { actual?: unknown }).actual;
          problems.push(`${path}: axe: ${Array.isArray(found) ? found.join('; ') : String(error)}`);
        }
        await page.close();
      }
      for (const context of contexts.values()) await context.close();
      expect(problems).toEqual([]);
    });
  });
}

describe('the collapsed navigation on a phone', () => {
  it('opens to every link, with the landmarks kept, and without JavaScript', async () => {
    const context = await fixture.browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/roles/`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Salaries' }).isVisible()).resolves.toBe(false);
    await page.locator('header summary').click();
    await expect(nav.getByRole('link', { name: 'Salaries' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('banner').count()).resolves.toBe(1);
    await context.close();
  });

  it('stays open at desktop width, with no disclosure to press', async () => {
    const context = await fixture.browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(`${base}/roles/`);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Salaries' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('header summary').isVisible()).resolves.toBe(false);
    await context.close();
  });
});

describe('the role guides list at 1280 px', () => {
  it('lays its cards over the full width while its text keeps a reading measure', async () => {
    const context = await fixture.browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(`${base}/roles/`);
    const widths = await page.evaluate(() => {
      const main = document.querySelector('main')!;
      const style = getComputedStyle(main);
      return {
        content: main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
        grid: document.querySelector('main .grid')!.getBoundingClientRect().width,
        lead: document.querySelector('main .lead')!.getBoundingClientRect().width,
        cards: new Set(Array.from(document.querySelectorAll('main .grid > *')).map((c) => Math.round(c.getBoundingClientRect().top))).size,
      };
    });
    expect(widths.grid).toBeGreaterThanOrEqual(widths.content - 1);
    expect(widths.lead).toBeLessThan(widths.content * 0.8);
    // Five guides at 1280 px: more than one card per row.
    expect(widths.cards).toBeLessThanOrEqual(2);
    await context.close();
  });
});

describe('the skills matrix', () => {
  it('names every cell with its self, manager and target numbers', async () => {
    const manager = await signedIn('manager@demo.opspath.test');
    const context = await contextFor(manager, DESKTOP);
    const { page } = await open(context, `/app/skills/?team=${await teamId(fixture.database, 'Warehouse Operations')}`);
    await matrixIsland(page); // the island has replaced the server's table
    const cells = page.locator('table[data-matrix] td.c > a');
    const count = await cells.count();
    expect(count).toBeGreaterThan(20);
    const named = page.getByRole('link', { name: /^Self (\d|not rated)[^,]*, manager (\d|not rated)[^,]*, target (\d|none)$/ });
    await expect(named.count()).resolves.toBe(count);
    // No cell reads as a code any more.
    await expect(page.locator('table[data-matrix]').innerText()).resolves.not.toMatch(/S[\d–] M[\d–]/);
    await context.close();
  });

  it('opens the rating dialog on a phone with its Save button in view', async () => {
    const manager = await signedIn('manager@demo.opspath.test');
    const context = await contextFor(manager, PHONE);
    const { page } = await open(context, `/app/skills/?team=${await teamId(fixture.database, 'Warehouse Operations')}`);
    await matrixIsland(page); // before it, a click follows the no-JavaScript link
    await page.locator('table[data-matrix] tbody tr:not([data-readonly]) td.c > a').first().click();
    const dialog = page.locator('#rating-editor');
    await expect(dialog.evaluate((d) => (d as HTMLDialogElement).open)).resolves.toBe(true);
    const save = dialog.getByRole('button', { name: 'Save rating' });
    const box = await save.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    // And it is the button that answers a tap there, not something covering it.
    const hit = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('button')?.textContent?.trim(), {
      x: box!.x + box!.width / 2,
      y: box!.y + box!.height / 2,
    });
    expect(hit).toBe('Save rating');
    await context.close();
  });
});

describe('the compliance matrix at 1280 px', () => {
  it('lists each required-but-missing certificate above the table, and its link shows the cell', async () => {
    const manager = await signedIn('manager@demo.opspath.test');
    const context = await contextFor(manager, DESKTOP);
    const { page } = await open(context, '/app/certifications/');
    // The island takes over at the first pointer or key on the page: bring it in first, or it may
    // redraw the table between finding a link and clicking it.
    await islandTakesOver(page, 'table.matrix[data-island]');
    const missing = page.locator('table.matrix td:has([data-state="missing"])');
    const count = await missing.count();
    expect(count).toBeGreaterThan(0);
    const links = page.getByRole('list', { name: /Required and missing/ }).getByRole('link');
    await expect(links.count()).resolves.toBe(count);
    for (let i = 0; i < count; i++) {
      const link = links.nth(i);
      const box = (await link.boundingBox())!;
      expect(box.x + box.width, 'the link is on screen without scrolling sideways').toBeLessThanOrEqual(DESKTOP.width);
      const id = (await link.getAttribute('href'))!.slice(1);
      await link.click();
      // The browser scrolls to the fragment after the click's task; wait for the page to get there.
      const shown = () =>
        page.evaluate((cellId) => {
          const cell = document.getElementById(cellId)!;
          const wrap = cell.closest('.table-wrap')!.getBoundingClientRect();
          const rect = cell.getBoundingClientRect();
          // In view means clear of the pinned person column on the left, and as much of the cell as the
          // frame can show: a column made wide by a long value elsewhere cannot fit whole, but its start
          // (the state the person looks for) must be visible and not under the pinned names.
          const pinned = cell.closest('tr')!.querySelector('th[scope="row"]')!.getBoundingClientRect();
          const visibleWidth = Math.min(rect.width, wrap.right - pinned.right);
          const inside =
            rect.left >= pinned.right - 1 &&
            rect.left + visibleWidth <= wrap.right + 1 &&
            // Fragment scrolling lands on subpixels (CI saw top -0.4): a pixel either way is in view.
            rect.top >= -1 &&
            rect.bottom <= window.innerHeight + 1;
          return {
            missing: cell.querySelector('[data-state="missing"]') !== null,
            // Where it is, when it is not where it should be: the failure then says why.
            inside: inside || {
              cell: [rect.left, rect.right, rect.top, rect.bottom].map(Math.round),
              pinnedRight: Math.round(pinned.right),
              wrap: [wrap.left, wrap.right].map(Math.round),
              viewport: window.innerHeight,
            },
          };
        }, id);
      await expect.poll(shown, { timeout: 3000 }).toEqual({ missing: true, inside: true });
    }
    await context.close();
  });
});
