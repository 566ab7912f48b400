// The audit log in Chromium against the built server, in a scratch
// organisation (UTC) with known rows: an admin opens it from Admin, narrows it
// to one actor by typing the start of a name (choosing among several first),
// pages to older events, filters by kind and by a date, and downloads the CSV
// of the current filter, which reads back row for row. Managers are refused
// the page and the export.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import Papa from 'papaparse';
import type { Database } from '#server/db/client.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { addDays } from '#domain/calendar.ts';
import { AUDIT_PAGE_SIZE, writeAudit } from '#server/audit/index.ts';
import { openCycle } from '#server/reviews/index.ts';
import { testContext } from '../support/context.ts';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { baseUrl, createOrganisation, createPerson, serverDatabase, signedIn } from '../support/app.ts';

const base = baseUrl();
let browser: Browser;
let database: Database;
let org: Awaited<ReturnType<typeof createOrganisation>>;
const MANAGER_EDITS = AUDIT_PAGE_SIZE + 7;

beforeAll(async () => {
  browser = await launchBrowser();
  database = serverDatabase();
  org = await createOrganisation(database, 'auditlog');
  // The manager's edits of the member, one an hour from 1 November; three failed sign-ins on 20 November.
  for (let i = 0; i < MANAGER_EDITS; i++) {
    await writeAudit(database.db, {
      orgId: org.orgId,
      actorUserId: org.manager.id,
      action: 'user.updated',
      target: { type: 'user', id: org.member.id },
      before: { displayName: `Name ${i}` },
      after: { displayName: `Name ${i + 1}` },
      at: new Date(Date.UTC(2026, 10, 1, i)),
    });
  }
  for (let i = 0; i < 3; i++) {
    await writeAudit(database.db, {
      orgId: org.orgId,
      actorUserId: null,
      action: 'auth.sign_in_failed',
      target: { type: 'user', id: org.member.id },
      after: { reason: 'wrong password' },
      at: new Date(Date.UTC(2026, 10, 20, 8 + i)),
    });
  }
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

const column = async (page: Page, index: number) =>
  page.locator('table tbody tr').evaluateAll((rows, i) => rows.map((r) => (r.children[i] as HTMLElement).innerText.trim()), index);

describe('the audit log', () => {
  it('shows names and typed text as text (the rows are built as strings)', async () => {
    const name = '<b id="xss-name">Bold</b> & "Co" \'s';
    const person = await createPerson(database, { label: 'auditlog-xss', orgId: org.orgId, displayName: name });
    const title = '<img id="xss-title" src=x onerror="window.__xss=1">';
    await writeAudit(database.db, {
      orgId: org.orgId,
      actorUserId: person.id,
      action: 'ramp.task_added',
      target: { type: 'user', id: person.id },
      after: { title },
      at: new Date(Date.UTC(2026, 10, 25, 12)),
    });
    const { context, page } = await signedInPage(browser, base, org.admin.email, org.admin.password);
    try {
      await page.goto(`${base}/app/admin/audit/?person=${person.id}`);
      expect(await column(page, 1)).toEqual([name]);
      expect(await column(page, 2)).toEqual([`Added the ramp task “${title}”`]);
      expect(await column(page, 3)).toEqual([name]);
      expect(await page.locator('#xss-name, #xss-title').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  it('filters by actor (chosen by name), pages, filters by kind and date, and exports what it shows', async () => {
    const { context, page } = await signedInPage(browser, base, org.admin.email, org.admin.password, {
      viewport: { width: 1280, height: 900 },
    });
    try {
      await page.goto(`${base}/app/admin/`);
      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.waitForURL(`${base}/app/admin/audit/`);
      await checkA11y(page, 'audit log');
      // Newest first: the admin's own sign-in of a moment ago leads, in words.
      expect((await column(page, 2))[0]).toBe('Signed in');

      // Three people's names start with "Test auditlog": the page offers them.
      await page.getByLabel('Done by (name starts with)').fill('test auditlog');
      await page.getByRole('button', { name: 'Show' }).click();
      const choices = page.getByRole('region', { name: 'Choose who the events were done by' });
      await expect.poll(() => choices.getByRole('link').count()).toBe(3);
      await choices.getByRole('link', { name: org.manager.displayName }).click();
      await page.waitForURL(new RegExp(`actor=${org.manager.id}`));
      expect(await page.getByLabel('Done by (name starts with)').inputValue()).toBe(org.manager.displayName);
      expect(await column(page, 1)).toEqual(Array(AUDIT_PAGE_SIZE).fill(org.manager.displayName));
      expect((await column(page, 2))[0]).toBe(`Changed the name from “Name ${MANAGER_EDITS - 1}” to “Name ${MANAGER_EDITS}”`);
      expect((await column(page, 3))[0]).toBe(org.member.displayName);

      await page.getByRole('link', { name: 'Older events' }).click();
      await page.waitForURL(/before=/);
      expect(page.url()).toContain(`actor=${org.manager.id}`);
      expect(await column(page, 2)).toEqual(
        Array.from({ length: MANAGER_EDITS - AUDIT_PAGE_SIZE }, (_, k) => {
          const i = MANAGER_EDITS - AUDIT_PAGE_SIZE - 1 - k;
          return `Changed the name from “Name ${i}” to “Name ${i + 1}”`;
        }),
      );
      expect(await page.getByRole('link', { name: 'Older events' }).count()).toBe(0);

      // By kind, everyone: the three failed sign-ins and the admin's sign-in.
      await page.getByRole('link', { name: 'Show all' }).click();
      await page.getByLabel('Kind').selectOption({ label: 'Sign-in and sign-out' });
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/kind=sign-in/);
      // The admin's own sign-ins (one per test that signed in) lead; the failed ones are the oldest.
      const kinds = await column(page, 4);
      expect(new Set(kinds)).toEqual(new Set(['Sign-in and sign-out']));
      const who = await column(page, 1);
      expect(who.slice(-3)).toEqual(Array(3).fill('Someone at the sign-in page'));
      expect(new Set(who.slice(0, -3))).toEqual(new Set([org.admin.displayName]));

      // And one calendar day: only the failed sign-ins of 20 November.
      await page.getByLabel('From').fill('2026-11-20');
      await page.getByLabel('To').fill('2026-11-20');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/from=2026-11-20/);
      expect(await column(page, 0)).toEqual(['Nov 20, 2026, 10:00 AM (UTC)', 'Nov 20, 2026, 9:00 AM (UTC)', 'Nov 20, 2026, 8:00 AM (UTC)']);
      expect(await column(page, 2)).toEqual(Array(3).fill('A sign-in failed (wrong password)'));

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download these events (CSV)' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = (await readFile((await download.path())!)).toString('utf8');
      const rows = Papa.parse<string[]>(csv.replace(/^\uFEFF/, '').trim(), { delimiter: ',' }).data;
      expect(rows).toEqual([
        ['Date', 'Time', 'Who', 'What', 'About', 'Kind'],
        ...[10, 9, 8].map((h) => [
          '2026-11-20',
          `${h.toString().padStart(2, '0')}:00`,
          'Someone at the sign-in page',
          'A sign-in failed (wrong password)',
          org.member.displayName,
          'Sign-in and sign-out',
        ]),
      ]);
    } finally {
      await context.close();
    }
  });

  it('files a skills review cycle under "Skills reviews", in words, about the cycle', async () => {
    const ctx = testContext({ id: org.manager.id, orgId: org.orgId, role: 'manager', active: true });
    const opened = await openCycle(database.db, ctx, loadCatalogsFromDisk().ladders, {
      name: 'Audit winter review',
      dueOn: addDays(ctx.today, 30),
      teamIds: [org.team.id],
    });
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    const { context, page } = await signedInPage(browser, base, org.admin.email, org.admin.password);
    try {
      await page.goto(`${base}/app/admin/audit/`);
      await page.getByLabel('Kind').selectOption({ label: 'Skills reviews' });
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/kind=reviews/);
      expect(await column(page, 1)).toEqual([org.manager.displayName]);
      expect((await column(page, 2))[0]).toMatch(/^Opened the review cycle “Audit winter review”, due .+, for 1 person$/);
      expect(await column(page, 3)).toEqual(['Audit winter review']);
      expect(await column(page, 4)).toEqual(['Skills reviews']);
    } finally {
      await context.close();
    }
  });

  it('refuses managers the page and the export', async () => {
    const manager = await signedIn(org.manager.email, org.manager.password);
    expect((await manager.get('/app/admin/audit/')).status).toBe(403);
    const csv = await manager.get('/app/admin/audit/export.csv');
    expect(csv.status).toBe(403);
    expect(await csv.text()).toBe('Only admins can export the audit log.');
  });

  it('explains a bad filter and keeps the form', async () => {
    const admin = await signedIn(org.admin.email, org.admin.password);
    const res = await admin.get('/app/admin/audit/?kind=logins&from=2026-11-20');
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Choose a kind from the list.');
    expect(html).toContain('name="kind"');
  });
});
