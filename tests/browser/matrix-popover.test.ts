// The matrix cell popover (issue 18) against the built server. Over HTTP: the
// read behind it, GET /app/skills/people/<id>/cell?skill=, as anonymous, the
// person, a colleague, another team's manager, their manager, an admin and
// another organisation's admin. In Chromium: Space on a cell opens it, a
// resting pointer opens it, it shows the notes (as text) and the history with
// a link to all of it, closes with Escape, when another cell becomes active
// and when the pointer moves away; it reads nothing until it opens, once per
// cell, and again after an inline rating of that cell; it says so when the
// read fails; axe finds nothing with it open. Without JavaScript nothing of it
// exists and the cell still links to the rating form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { formatClockIn, organisationTimeZone } from '#domain/calendar.ts';
import type { Database } from '#server/db/client.ts';
import { organisations, users } from '#server/db/schema.ts';
import { recordRating } from '#server/skills/index.ts';
import { actorByEmail } from '../support/db.ts';
import { testContext } from '../support/context.ts';
import { checkA11y, launchBrowser, matrixIsland, signedInPage } from '../support/browser.ts';
import {
  accessVisitors,
  baseUrl,
  createOrganisation,
  createPerson,
  serverDatabase,
  signedIn,
  teamId,
  type Visitor,
} from '../support/app.ts';

const base = baseUrl();
let database: Database;
let browser: Browser;
let warehouseId: number;
let tomId: number;
let subject: Awaited<ReturnType<typeof createPerson>>;
type Persona = 'anonymous' | 'member' | 'otherManager' | 'manager' | 'admin' | 'foreignAdmin';
const visitors = {} as Record<Persona, Visitor>;
/** Stored and shown as typed: markup in a note is text. */
const SELF_NOTE = 'Built the <b>pivot</b> report & "cleaned" the data <img src=x onerror=alert(1)>';
const MANAGER_NOTE = 'Checked the pivot report with the team';
const EVIDENCE = 'https://example.com/pivot-report';
let selfAt: Date;
let managerAt: Date;
let zone: string;

beforeAll(async () => {
  database = serverDatabase();
  warehouseId = await teamId(database, 'Warehouse Operations');
  tomId = (await database.db.select().from(users).where(eq(users.email, 'tom.becker@demo.opspath.test')))[0]!.id;
  const suffix = Math.random().toString(36).slice(2, 7);
  subject = await createPerson(database, {
    label: 'popover-subject',
    team: 'Warehouse Operations',
    jobRole: 'operations-coordinator',
    tier: 'junior',
    displayName: `Popover Subject ${suffix}`,
  });
  const manager = await actorByEmail(database.db, 'manager@demo.opspath.test');
  const self = await actorByEmail(database.db, subject.email);
  selfAt = new Date(Date.now() - 3 * 3_600_000);
  managerAt = new Date(Date.now() - 3_600_000);
  for (const [actor, at, input] of [
    [self, selfAt, { skillId: 'spreadsheets', level: '2', note: SELF_NOTE, evidenceUrl: EVIDENCE }],
    [manager, managerAt, { skillId: 'spreadsheets', level: '3', note: MANAGER_NOTE, evidenceUrl: '' }],
  ] as const) {
    const saved = await recordRating(database.db, testContext(actor, at), String(subject.id), input);
    if (!saved.ok) throw new Error(saved.message);
  }
  const [org] = await database.db.select().from(organisations).where(eq(organisations.id, manager.orgId));
  zone = organisationTimeZone(org!.settings.timeZone);
  const foreign = await createOrganisation(database, 'popover');
  Object.assign(visitors, await accessVisitors(subject, ['otherManager', 'manager', 'admin']));
  visitors.foreignAdmin = await signedIn(foreign.admin.email, foreign.admin.password);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

describe('GET /app/skills/people/<id>/cell', () => {
  type Row = [path: () => string, expected: Record<Persona, number>];
  const rows: Row[] = [
    [
      () => `/app/skills/people/${subject.id}/cell?skill=spreadsheets`,
      { anonymous: 401, member: 200, otherManager: 404, manager: 200, admin: 200, foreignAdmin: 404 },
    ],
    [
      () => `/app/skills/people/${tomId}/cell?skill=spreadsheets`,
      { anonymous: 401, member: 404, otherManager: 404, manager: 200, admin: 200, foreignAdmin: 404 },
    ],
    // Access before the skill: who may not see the person learns nothing of a missing or unknown skill.
    [
      () => `/app/skills/people/${subject.id}/cell`,
      { anonymous: 401, member: 400, otherManager: 404, manager: 400, admin: 400, foreignAdmin: 404 },
    ],
    [
      () => `/app/skills/people/${subject.id}/cell?skill=juggling`,
      { anonymous: 401, member: 404, otherManager: 404, manager: 404, admin: 404, foreignAdmin: 404 },
    ],
    [
      () => '/app/skills/people/999999/cell?skill=spreadsheets',
      { anonymous: 401, member: 404, otherManager: 404, manager: 404, admin: 404, foreignAdmin: 404 },
    ],
    [
      () => '/app/skills/people/1%20OR%201=1/cell?skill=spreadsheets',
      { anonymous: 401, member: 404, otherManager: 404, manager: 404, admin: 404, foreignAdmin: 404 },
    ],
  ];
  const personas = Object.keys(rows[0]![1]) as Persona[];
  it.each(
    rows.flatMap(([path, expected]) => personas.map((p) => [path.toString().replace(/^\(\) => /, ''), p, expected[p], path] as const)),
  )('%s as %s -> %i', async (_shown, persona, status, path) => {
    const res = await visitors[persona].get(path());
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    if (status !== 200) expect(body).not.toContain(subject.displayName);
  });

  it('answers the notes as typed, newest first, with who and when on the organisation’s clock', async () => {
    const res = await visitors.manager.get(`/app/skills/people/${subject.id}/cell?skill=spreadsheets`);
    const cell = await res.json();
    expect(cell).toMatchObject({
      person: { id: subject.id, name: subject.displayName },
      skill: { id: 'spreadsheets' },
      self: { level: 2, note: SELF_NOTE, evidenceUrl: EVIDENCE, by: subject.displayName, ratedAt: formatClockIn(selfAt, zone) },
      manager: { level: 3, note: MANAGER_NOTE, by: 'Maria Lopez', ratedAt: formatClockIn(managerAt, zone) },
      timeZone: zone,
      olderCount: 0,
      historyHref: `/app/skills/people/${subject.id}/?skill=spreadsheets#history`,
    });
    expect(cell.history.map((h: { note: string }) => h.note)).toEqual([MANAGER_NOTE, SELF_NOTE]);
  });

  it('answers only GET and HEAD', async () => {
    const res = await fetch(`${base}/app/skills/people/${subject.id}/cell?skill=spreadsheets`, {
      method: 'POST',
      headers: { cookie: visitors.manager.cookie!, origin: base, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});

// --- in the browser --------------------------------------------------------------

async function as(email: string, password: string, javaScript = true): Promise<{ context: BrowserContext; page: Page }> {
  return signedInPage(browser, base, email, password, { javaScriptEnabled: javaScript, viewport: { width: 1280, height: 900 } });
}

/** The matrix cell link for a person and a skill. */
const cell = (page: Page, personId: number, skillId: string) =>
  page.locator(`tr[data-p="${personId}"] td.c > a[href*="?skill=${skillId}#"]`);
const popover = (page: Page) => page.locator('#cell-popover');
const isFocused = (page: Page, personId: number, skillId: string) =>
  cell(page, personId, skillId).evaluate((a) => a === document.activeElement);

/** The manager's matrix with the island in, narrowed to the subject (the shared server's Warehouse team grows with other files). */
async function matrixOfSubject(page: Page) {
  await page.goto(`${base}/app/skills/?team=${warehouseId}`);
  await matrixIsland(page);
  await page.getByLabel('Find a person').fill(subject.displayName);
  await cell(page, subject.id, 'spreadsheets').waitFor();
}

/** Every read of a cell's details the page makes. */
function cellReads(page: Page): string[] {
  const reads: string[] = [];
  page.on('request', (r) => {
    if (/\/app\/skills\/people\/\d+\/cell\?/.test(r.url())) reads.push(new URL(r.url()).pathname + new URL(r.url()).search);
  });
  return reads;
}

describe('in Chromium', () => {
  it('Space opens the popover on the cell with notes and history; focus stays; Escape closes it; axe finds nothing', async () => {
    const { context, page } = await as('manager@demo.opspath.test', 'opspath-demo');
    const reads = cellReads(page);
    await matrixOfSubject(page);
    await page.waitForLoadState('networkidle');
    expect(reads, 'nothing is read before a popover opens').toEqual([]);

    const target = cell(page, subject.id, 'spreadsheets');
    await target.focus();
    await page.keyboard.press('Space');
    const box = popover(page);
    await box.getByRole('link', { name: /All history/ }).waitFor();
    await expect(isFocused(page, subject.id, 'spreadsheets')).resolves.toBe(true);
    await expect(box.getAttribute('role')).resolves.toBe('dialog');
    await expect(box.getAttribute('aria-label')).resolves.toBe(
      `${subject.displayName}, Spreadsheets (Excel, Google Sheets): ratings and history`,
    );
    await expect(target.getAttribute('aria-describedby')).resolves.toBe('cell-popover');
    const text = await box.innerText();
    // The note as the person typed it, markup included, and nothing of it parsed into elements.
    expect(text).toContain(SELF_NOTE);
    expect(text).toContain(MANAGER_NOTE);
    await expect(box.locator('b, img').count()).resolves.toBe(0);
    expect(text).toMatch(/Self\s+2 Working, .+, by Popover Subject/);
    expect(text).toMatch(/Manager\s+3 Proficient, .+, by Maria Lopez/);
    expect(text).toContain(formatClockIn(managerAt, zone));
    expect(text).toContain(`Times in ${zone}.`);
    // The history, newest first: the manager's rating, then the person's own.
    const history = await box.locator('.pop-history li').allInnerTexts();
    expect(history).toHaveLength(2);
    expect(history[0]).toMatch(/^.+: Manager 3 Proficient, by Maria Lopez/);
    expect(history[1]).toMatch(/^.+: Self 2 Working, by Popover Subject/);
    await expect(
      box
        .getByRole('link', { name: /^Evidence/ })
        .first()
        .getAttribute('href'),
    ).resolves.toBe(EVIDENCE);
    await expect(box.getByRole('link', { name: /All history/ }).getAttribute('href')).resolves.toBe(
      `/app/skills/people/${subject.id}/?skill=spreadsheets#history`,
    );
    // Said once for a screen reader, since focus did not move.
    await page.waitForFunction(() => document.getElementById('matrix-status')?.textContent?.includes('Escape closes it'));
    await expect(page.locator('#matrix-status').innerText()).resolves.toContain('self 2 working, manager 3 proficient');
    await checkA11y(page, 'matrix with the cell popover open');

    await page.keyboard.press('Escape');
    await expect(box.count()).resolves.toBe(0);
    await expect(isFocused(page, subject.id, 'spreadsheets')).resolves.toBe(true);
    await expect(target.getAttribute('aria-describedby')).resolves.toBeNull();
    // Opened again: from the cache, not read again. Tab reaches its links; Escape there brings focus back to the cell.
    await page.keyboard.press('Space');
    await box.getByRole('link', { name: /All history/ }).waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.closest('#cell-popover') !== null)).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await expect(box.count()).resolves.toBe(0);
    await expect(isFocused(page, subject.id, 'spreadsheets')).resolves.toBe(true);
    // Another cell becoming active closes it.
    await page.keyboard.press('Space');
    await box.waitFor();
    await page.keyboard.press('ArrowRight');
    await expect(box.count()).resolves.toBe(0);
    expect(reads).toEqual([`/app/skills/people/${subject.id}/cell?skill=spreadsheets`]);
    await context.close();
  });

  it('a resting pointer opens it, moving into it keeps it, moving away closes it', async () => {
    const { context, page } = await as('manager@demo.opspath.test', 'opspath-demo');
    const reads = cellReads(page);
    await matrixOfSubject(page);
    const box = popover(page);
    // Passing over cells on the way elsewhere opens nothing and reads nothing.
    await cell(page, subject.id, 'attention-to-detail').scrollIntoViewIfNeeded();
    const passing = (await cell(page, subject.id, 'attention-to-detail').boundingBox())!;
    await page.mouse.move(passing.x + passing.width / 2, passing.y + passing.height / 2);
    await page.mouse.move(2, 2);
    await page.waitForTimeout(600);
    await expect(box.count()).resolves.toBe(0);
    expect(reads).toEqual([]);

    await cell(page, subject.id, 'spreadsheets').hover();
    await box.getByRole('link', { name: /All history/ }).waitFor();
    await expect(box.innerText()).resolves.toContain(MANAGER_NOTE);
    // Into the box (to reach its links): it stays.
    await box.getByRole('link', { name: /All history/ }).hover();
    await page.waitForTimeout(500);
    await expect(box.isVisible()).resolves.toBe(true);
    // Away from both: it closes.
    await page.locator('h1').hover();
    await box.waitFor({ state: 'detached' });
    // Escape closes a popover the pointer opened, wherever focus is (WCAG 1.4.13).
    await cell(page, subject.id, 'spreadsheets').hover();
    await box.waitFor();
    await page.keyboard.press('Escape');
    await expect(box.count()).resolves.toBe(0);
    expect(reads).toHaveLength(1);
    await context.close();
  });

  it('shows fresh details after an inline rating of the cell, and says so when the read fails', async () => {
    const { context, page } = await as('manager@demo.opspath.test', 'opspath-demo');
    const reads = cellReads(page);
    await matrixOfSubject(page);
    const box = popover(page);
    const target = cell(page, subject.id, 'spreadsheets');
    await target.focus();
    await page.keyboard.press('Space');
    await box.getByRole('link', { name: /All history/ }).waitFor();
    await page.keyboard.press('Escape');

    await page.keyboard.press('Enter');
    await page.locator('#editor-level-4').check();
    await page.locator('#editor-note').fill('Fresh from the matrix <i>editor</i>');
    await page.getByRole('button', { name: 'Save rating' }).click();
    // The pointer off the grid: where the dialog's button was, a cell would now open on hover.
    await page.locator('h1').hover();
    await page.waitForFunction(() => document.getElementById('matrix-status')?.textContent?.startsWith('Saved.'));
    await expect(isFocused(page, subject.id, 'spreadsheets')).resolves.toBe(true);
    await page.keyboard.press('Space');
    await box.getByRole('link', { name: /All history/ }).waitFor();
    const text = await box.innerText();
    expect(text).toMatch(/Manager\s+4 Expert, .+, by Maria Lopez/);
    expect(text).toContain('Fresh from the matrix <i>editor</i>');
    await expect(box.locator('.pop-history li').first().innerText()).resolves.toMatch(/Manager 4 Expert, by Maria Lopez/);
    expect(reads.filter((r) => r.endsWith(`/${subject.id}/cell?skill=spreadsheets`))).toHaveLength(2);
    await page.keyboard.press('Escape');

    // A read that fails: the box says so in words, and the next opening tries again.
    const cellRead = /\/app\/skills\/people\/\d+\/cell\?/;
    await page.route(cellRead, (route) => route.fulfill({ status: 500, body: 'no' }));
    await cell(page, subject.id, 'erp-systems').focus();
    await page.keyboard.press('Space');
    await box.locator('.pop-error').waitFor();
    await expect(box.locator('.pop-error').innerText()).resolves.toBe('The details could not be loaded.');
    await expect(page.locator('#matrix-status').innerText()).resolves.toBe('The details could not be loaded.');
    await page.keyboard.press('Escape');
    await page.unroute(cellRead);
    await page.keyboard.press('Space');
    await box.getByRole('link', { name: /All history/ }).waitFor();
    await expect(box.innerText()).resolves.toContain('No ratings yet.');
    await context.close();
  });

  it('without JavaScript there is no popover, and the cell links to the rating form', async () => {
    const { context, page } = await as('manager@demo.opspath.test', 'opspath-demo', false);
    await page.goto(`${base}/app/skills/?team=${warehouseId}`);
    const target = cell(page, subject.id, 'spreadsheets');
    await expect(target.getAttribute('href')).resolves.toBe(`/app/skills/people/${subject.id}/?skill=spreadsheets#rate`);
    await target.hover();
    await page.waitForTimeout(600);
    await expect(popover(page).count()).resolves.toBe(0);
    await target.click();
    await page.waitForURL(new RegExp(`/app/skills/people/${subject.id}/\\?skill=spreadsheets#rate$`));
    await context.close();
  });
});
