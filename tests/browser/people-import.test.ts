// The people import in real Chromium: an admin uploads an HR file (semicolon,
// BOM, CRLF as a spreadsheet saves it), sees the preview with a bad row
// refused whole, fixes it, sees what will be added, applies it, and the
// people are there. A manager cannot reach the import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { teams, users } from '#server/db/schema.ts';
import type { Database } from '#server/db/client.ts';
import { baseUrl, serverDatabase, uniqueEmail } from '../support/app.ts';

const base = baseUrl();
let database: Database;
let browser: Browser;

beforeAll(async () => {
  database = serverDatabase();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

describe('people import in the browser', () => {
  it('uploads a file, shows the preview and its bad rows, applies it, and the people exist', async () => {
    const first = uniqueEmail('hr-import-a');
    const second = uniqueEmail('hr-import-b');
    const team = `HR Import ${Date.now()}`;
    const header = 'email;name;role;job_role;tier;start_date;team;manages';
    const good = [`${first};Avery Import;manager;;;2026-12-01;${team};${team}`, `${second};Blake Import;member;;;;${team};`];
    const { context, page } = await signedInPage(browser, base, 'admin@demo.opspath.test', 'opspath-demo', {
      viewport: { width: 1280, height: 900 },
    });
    try {
      await page.goto(`${base}/app/admin/`);
      await page.getByRole('link', { name: 'Import people' }).click();
      await page.waitForURL(`${base}/app/admin/import/`);

      await page.setInputFiles('#file', {
        name: 'hr-bad.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`\uFEFF${[header, ...good, 'not-an-email;X;member;;;;;'].join('\r\n')}\r\n`),
      });
      await page.getByRole('button', { name: 'Check the file' }).click();
      await page.waitForURL(/\/app\/admin\/import\/\d+$/);
      const bad = await page.locator('main').innerText();
      expect(bad).toContain('The file has problems, so nothing can be imported.');
      expect(bad).toMatch(/4\s+email:/);
      expect(await page.getByRole('button', { name: 'Apply the import' }).count()).toBe(0);

      await page.goto(`${base}/app/admin/import/`);
      await page.setInputFiles('#file', {
        name: 'hr.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`\uFEFF${[header, ...good].join('\r\n')}\r\n`),
      });
      await page.getByLabel('Invite the new people by email').check();
      await page.getByRole('button', { name: 'Check the file' }).click();
      await page.waitForURL(/\/app\/admin\/import\/\d+$/);
      const preview = await page.locator('main').innerText();
      expect(preview).toContain('2 people to add, each invited by email');
      expect(preview).toContain('1 teams to create');
      expect(preview).toContain(first);
      // The preview wrote nothing.
      expect(await database.db.select().from(users).where(eq(users.email, first))).toEqual([]);
      await checkA11y(page, 'people import preview');

      await page.getByRole('button', { name: 'Apply the import' }).click();
      // The apply runs in the server; the page reloads itself until it is done.
      await page.getByText(/^Applied /).waitFor();
      const [avery] = await database.db.select().from(users).where(eq(users.email, first));
      expect(avery).toMatchObject({ displayName: 'Avery Import', role: 'manager', startDate: '2026-12-01', active: true });
      const [created] = await database.db.select().from(teams).where(eq(teams.name, team));
      expect(created!.managerUserId).toBe(avery!.id);
      await page.getByRole('link', { name: 'See the people' }).click();
      await expect(page.locator('main').innerText()).resolves.toContain('Blake Import');
    } finally {
      await context.close();
    }
  });

  it('is for admins only', async () => {
    const { context, page } = await signedInPage(browser, base, 'manager@demo.opspath.test', 'opspath-demo');
    try {
      const answer = await page.goto(`${base}/app/admin/import/`);
      expect(answer?.status()).toBe(403);
    } finally {
      await context.close();
    }
  });
});
