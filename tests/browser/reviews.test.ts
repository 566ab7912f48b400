// A whole skills review cycle in Chromium, through the pages only: a manager
// opens a cycle for a team of two, each person self-assesses on the one page
// and submits, the manager assesses without the self-assessment being sent to
// their page, compares (differences marked), records agreed levels and a
// summary, both sign off; the team matrix then shows the agreed levels as the
// manager's ratings. Along the way: axe on the review page, the review's CSV
// and its print view read back from a PDF with pdftotext, the cycle's CSV, and
// the links from the person's page and skills page. In a scratch organisation,
// so the demo organisation other files read is left alone.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { parseCsv } from '#domain/csv.ts';
import { baseUrl, browserAndServerDatabase, createOrganisation, createPerson, signedIn } from '../support/app.ts';
import { checkA11y, signedInPage, matrixIsland } from '../support/browser.ts';

const fixture = browserAndServerDatabase();
const dir = mkdtempSync(join(tmpdir(), 'opspath-reviews-'));
let org: Awaited<ReturnType<typeof createOrganisation>>;
let ben: Awaited<ReturnType<typeof createPerson>>;
const contexts: BrowserContext[] = [];
const CYCLE = `Winter review ${Date.now().toString(36)}`;
// A due date two weeks ahead of the server's today (any day from today on is accepted).
const DUE = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  org = await createOrganisation(fixture.database, 'reviews');
  ben = await createPerson(fixture.database, {
    label: 'reviews-ben',
    orgId: org.orgId,
    teamId: org.team.id,
    displayName: 'Ben Reviewed',
    jobRole: 'operations-coordinator',
    tier: 'junior',
  });
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  rmSync(dir, { recursive: true, force: true });
});

async function as(email: string, password: string): Promise<Page> {
  const { context, page } = await signedInPage(fixture.browser, baseUrl(), email, password);
  contexts.push(context);
  return page;
}

const step = (page: Page) => page.getByTestId('review-step').innerText();

/** The person opens their review from "My reviews", gives every skill `level` with a note, and submits. */
async function selfAssess(page: Page, level: string, note: string): Promise<string> {
  await page.goto(`${baseUrl()}/app/reviews/`);
  await page.getByRole('link', { name: CYCLE }).click();
  await page.waitForURL(/\/app\/reviews\/\d+\/$/);
  const url = page.url();
  await expect(page.getByRole('heading', { name: 'My self-assessment' }).count()).resolves.toBe(1);
  const selects = await page.locator('select[name^="level:"]').all();
  expect(selects.length).toBeGreaterThan(0);
  for (const select of selects) await select.selectOption(level);
  for (const input of await page.locator('input[name^="note:"]').all()) await input.fill(note);
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.waitForURL(url);
  await expect(step(page)).resolves.toBe('Assessing');
  await expect(page.getByRole('heading', { name: 'My self-assessment' }).count()).resolves.toBe(0);
  return url;
}

// Generous: each step signs in or walks several pages, on a machine shared with other suites.
describe('a whole review cycle in Chromium', { timeout: 240_000 }, () => {
  let managerPage: Page;
  let anaPage: Page;
  let benPage: Page;
  let anaReview: string;
  let benReview: string;
  let cycleUrl: string;

  it('the manager opens a cycle for the team; it lists both people at the first step', async () => {
    managerPage = await as(org.manager.email, org.manager.password);
    await managerPage.goto(`${baseUrl()}/app/reviews/`);
    await managerPage.getByLabel('Name').fill(CYCLE);
    await managerPage.getByLabel('Due date').fill(DUE);
    await managerPage.getByLabel('Team').selectOption(String(org.team.id));
    await managerPage.getByRole('button', { name: 'Open the cycle' }).click();
    await managerPage.waitForURL(/\/app\/reviews\/cycles\/\d+\/$/);
    cycleUrl = managerPage.url();
    const rows = managerPage.getByRole('table', { name: 'Who is at which step' }).locator('tbody tr');
    // Row order is the database's: compared as a set.
    expect((await rows.allInnerTexts()).sort()).toEqual([`${org.member.displayName}\tAssessing`, `${ben.displayName}\tAssessing`].sort());
  });

  it('each person self-assesses on one page and submits', async () => {
    anaPage = await as(org.member.email, org.member.password);
    benPage = await as(ben.email, ben.password);
    anaReview = await selfAssess(anaPage, '3', 'Ana wrote this note');
    benReview = await selfAssess(benPage, '2', 'Ben wrote this note');
    await checkA11y(anaPage, 'the review page after the self-assessment');
  });

  it('the manager assesses without the self-assessment on the page, then compares with the differences marked', async () => {
    for (const [url, note] of [
      [anaReview, 'Ana wrote this note'],
      [benReview, 'Ben wrote this note'],
    ] as const) {
      await managerPage.goto(url);
      await expect(managerPage.getByRole('heading', { name: 'Manager assessment' }).count()).resolves.toBe(1);
      // Hidden means not sent: neither the table nor the person's notes are in the page.
      await expect(managerPage.getByRole('heading', { name: 'Side by side' }).count()).resolves.toBe(0);
      expect(await managerPage.content()).not.toContain(note);
      await checkA11y(managerPage, 'the manager assessment form');
      for (const select of await managerPage.locator('select[name^="level:"]').all()) await select.selectOption('2');
      await managerPage.getByRole('button', { name: 'Submit', exact: true }).click();
      await managerPage.waitForURL(url);
      await expect(step(managerPage)).resolves.toBe('Agreeing levels');
    }
    // Ana said 3 where the manager said 2: every row differs, by -1. Ben said 2: none does.
    const table = managerPage.getByRole('table', { name: /Self and manager assessments/ });
    await managerPage.goto(anaReview);
    const skills = await table.locator('tbody tr').count();
    expect(skills).toBeGreaterThan(0);
    await expect(table.locator('tbody tr.differs').count()).resolves.toBe(skills);
    await expect(table.locator('tbody tr td:nth-of-type(4)').allInnerTexts()).resolves.toEqual(Array(skills).fill('-1'));
    await checkA11y(managerPage, 'the side-by-side comparison');
    await managerPage.goto(benReview);
    await expect(table.locator('tbody tr.differs').count()).resolves.toBe(0);
  });

  it('the manager records agreed levels and a summary, both sign off, and the review is complete', async () => {
    for (const [url, personPage, agreed] of [
      [anaReview, () => anaPage, '3'],
      [benReview, () => benPage, '2'],
    ] as const) {
      await managerPage.goto(url);
      for (const select of await managerPage.locator('select[name^="agreed:"]').all()) await select.selectOption(agreed);
      await managerPage.getByLabel('Summary').fill(`Agreed at ${agreed} after talking it through`);
      await managerPage.getByLabel('Next steps').fill('Shadow the shift lead for a month');
      await managerPage.getByRole('button', { name: 'Record the agreed levels' }).click();
      await managerPage.waitForURL(url);
      await expect(step(managerPage)).resolves.toBe('Signing off');
      await managerPage.getByRole('button', { name: 'Sign off' }).click();
      await managerPage.waitForURL(url);
      await expect(step(managerPage)).resolves.toBe('Signing off');

      const page = personPage();
      await page.goto(url);
      await expect(page.getByText(`Agreed at ${agreed} after talking it through`).count()).resolves.toBe(1);
      await page.getByRole('button', { name: 'Sign off' }).click();
      await page.waitForURL(url);
      await expect(step(page)).resolves.toBe('Complete');
      await checkA11y(page, 'a complete review');
    }
    await managerPage.goto(cycleUrl);
    await expect(managerPage.locator('td[data-step]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-step')))).resolves.toEqual(
      ['complete', 'complete'],
    );
  });

  it('the team matrix shows the agreed levels as the manager’s ratings', async () => {
    await managerPage.goto(`${baseUrl()}/app/skills/?team=${org.team.id}`);
    await matrixIsland(managerPage);
    for (const [person, level] of [
      [org.member.id, '3'],
      [ben.id, '2'],
    ] as const) {
      const labels = await managerPage
        .locator(`tr[data-p="${person}"] td.c > a`)
        .evaluateAll((as) => as.map((a) => a.getAttribute('aria-label') ?? ''));
      const rated = labels.filter((l) => l.includes(`manager ${level} `));
      // Every skill of the review now has the agreed level as its manager rating; self ratings are not touched by a review.
      expect(rated.length).toBeGreaterThan(0);
      expect(rated.every((l) => l.startsWith('Self not rated'))).toBe(true);
    }
  });

  it('exports the review and the cycle as CSV, with the same access as the review', async () => {
    const res = await managerPage.request.get(`${anaReview}export.csv`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    const parsed = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
    const [header, ...rows] = parsed.records.map((r) => r.cells);
    expect(header).toEqual(['Skill', 'Target', 'Self level', 'Manager level', 'Agreed level', 'Self note', 'Manager note']);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.slice(2, 6)).toEqual(['3', '2', '3', 'Ana wrote this note']);
    // Ben may not read Ana's review, nor its CSV.
    expect((await benPage.request.get(`${anaReview}export.csv`)).status()).toBe(404);
    const cycle = await managerPage.request.get(`${cycleUrl}export.csv`);
    expect(cycle.status()).toBe(200);
    const [overviewHeader, ...overview] = parseCsv((await cycle.text()).replace(/^\uFEFF/, '')).records.map((r) => r.cells);
    expect(overviewHeader).toEqual(['Cycle', 'Due', 'Person', 'Step', 'Review']);
    expect(overview.map((cells) => cells.slice(2, 4)).sort()).toEqual(
      [
        [ben.displayName, 'Complete'],
        [org.member.displayName, 'Complete'],
      ].sort(),
    );
    expect((await anaPage.request.get(`${cycleUrl}export.csv`)).status()).toBe(404);
  });

  it('prints the review without the app chrome, every skill with its levels, the summary and sign-offs', async () => {
    await managerPage.goto(anaReview);
    await managerPage.getByRole('link', { name: 'Print view' }).click();
    await managerPage.waitForURL(`${anaReview}print`);
    const skillNames = await managerPage.locator('tbody th[scope="row"]').allInnerTexts();
    expect(skillNames.length).toBeGreaterThan(0);
    const file = join(dir, 'review.pdf');
    await managerPage.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(`Skills review: ${org.member.displayName}`);
    for (const name of skillNames) expect(text).toContain(name.replace(/\s+/g, ' '));
    expect(text).toContain('Agreed at 3 after talking it through');
    expect(text).toContain('by the person: yes; by the manager: yes');
    expect(text).not.toContain('Sign out');
    expect(text).not.toContain('Back to the review');
  });

  it('prints every review of the cycle from its overview, each person on a new page; a member and another organisation are refused', async () => {
    await managerPage.goto(cycleUrl);
    await managerPage.getByRole('link', { name: 'Print every review' }).click();
    await managerPage.waitForURL(`${cycleUrl}print`);
    const names = [org.member.displayName, ben.displayName].sort((a, b) => a.localeCompare(b));
    const headings = names.map((n) => `Skills review: ${n}`);
    expect(await managerPage.locator('.review-sheet h2').allInnerTexts()).toEqual(headings);
    await checkA11y(managerPage, 'the cycle print');
    const file = join(dir, 'cycle.pdf');
    await managerPage.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
    // pdftotext ends each printed page with a form feed.
    const pages = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })
      .split('\f')
      .map((p) => p.replace(/\s+/g, ' ').trim());
    const first = pages.map((p) => headings.filter((h) => p.includes(h)));
    // Each review's heading is on a page of its own, the second after the first, and nothing of the app's chrome.
    expect(first.filter((h) => h.length > 0)).toEqual(headings.map((h) => [h]));
    expect(pages.findIndex((p) => p.includes(headings[1]!))).toBeGreaterThan(pages.findIndex((p) => p.includes(headings[0]!)));
    // A new page begins with the next person's review (break-before: page), not with the rest of the last one.
    for (const h of headings) expect(pages.find((p) => p.includes(h))!.startsWith(h), h).toBe(true);
    const text = pages.join(' ');
    for (const agreed of ['2', '3']) expect(text).toContain(`Agreed at ${agreed} after talking it through`);
    expect(text).not.toContain('Sign out');
    expect(text).not.toContain('Back to the cycle');

    // The person reviewed, and another organisation's admin: not found, as the overview.
    expect((await anaPage.request.get(`${cycleUrl}print`)).status()).toBe(404);
    const stranger = await createOrganisation(fixture.database, 'reviews-stranger');
    const foreignAdmin = await signedIn(stranger.admin.email, stranger.admin.password);
    const refused = await foreignAdmin.get(new URL(`${cycleUrl}print`).pathname);
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain(ben.displayName);
  });

  it('links to the reviews from the person’s page and their skills page', async () => {
    for (const path of [`/app/team/${ben.id}/`, `/app/skills/people/${ben.id}/`]) {
      await managerPage.goto(`${baseUrl()}${path}`);
      const section = managerPage.getByTestId('person-reviews');
      await section.getByRole('link', { name: CYCLE }).click();
      await managerPage.waitForURL(benReview);
    }
  });
});

describe('a cycle for chosen people of a team', { timeout: 240_000 }, () => {
  it('lists the team’s people after "Choose people", keeps what was typed, refuses none ticked, and opens for the ticked only', async () => {
    const name = `Chosen review ${Date.now().toString(36)}`;
    const page = await as(org.manager.email, org.manager.password);
    await page.goto(`${baseUrl()}/app/reviews/`);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Due date').fill(DUE);
    await page.getByLabel('Team').selectOption(String(org.team.id));
    await page.getByRole('button', { name: 'Choose people in the team' }).click();
    await page.waitForURL(/teamId=/);
    // What was typed is still there, and everyone the manager may review is ticked.
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe(name);
    await expect(page.getByLabel('Due date').inputValue()).resolves.toBe(DUE);
    const people = page.getByRole('group', { name: 'People to review' });
    await expect(people.getByRole('checkbox').count()).resolves.toBe(2);
    await checkA11y(page, 'the opening form with the team’s checklist');

    // Nobody ticked is refused with a reason, and opens nothing.
    for (const box of await people.getByRole('checkbox').all()) await box.uncheck();
    await page.getByRole('button', { name: 'Open the cycle' }).click();
    await expect(page.locator('main').innerText()).resolves.toContain('Tick at least one person');
    await expect(page.getByLabel('Name').inputValue()).resolves.toBe(name);

    await people.getByLabel(ben.displayName).check();
    await page.getByRole('button', { name: 'Open the cycle' }).click();
    await page.waitForURL(/\/app\/reviews\/cycles\/\d+\/$/);
    const rows = page.getByRole('table', { name: 'Who is at which step' }).locator('tbody tr');
    expect(await rows.allInnerTexts()).toEqual([`${ben.displayName}\tAssessing`]);
    // The first refusal opened no cycle: the list shows this name once.
    await page.goto(`${baseUrl()}/app/reviews/`);
    await expect(page.getByRole('link', { name, exact: true }).count()).resolves.toBe(1);
  });
});
