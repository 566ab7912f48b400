// The ratings import in real Chromium, as someone with a Romanian spreadsheet
// uses it: a semicolon file with a day-first date is previewed (naming the
// separator and the ignored columns), confirmed and written; the template
// downloads in the organisation's separator; the admin page holds the setting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { and, desc, eq } from 'drizzle-orm';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { skillRatings } from '#server/db/schema.ts';
import type { Database } from '#server/db/client.ts';
import { baseUrl, createPerson, serverDatabase } from '../support/app.ts';

const base = baseUrl();
let database: Database;
let browser: Browser;
let person: Awaited<ReturnType<typeof createPerson>>;

beforeAll(async () => {
  database = serverDatabase();
  person = await createPerson(database, {
    label: 'spreadsheet-member',
    team: 'Warehouse Operations',
    jobRole: 'operations-coordinator',
    tier: 'junior',
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

describe('the import with a spreadsheet’s file', () => {
  it('previews a semicolon file with a day-first date, naming the separator, then imports it on confirmation', async () => {
    const { context, page } = await signedInPage(browser, base, 'manager@demo.opspath.test', 'opspath-demo', {
      viewport: { width: 1280, height: 900 },
    });
    try {
      await page.goto(`${base}/app/skills/import`);
      // What Excel set to Romanian writes: BOM, semicolons, CRLF, dd.mm.yyyy, a trailing row of empty cells, an extra export column.
      const csv = `\uFEFFemail;skill;level;date;note;skill_name\r\n${person.email};spreadsheets;3;01.10.2026;"Pivot tables; lookups";Spreadsheets\r\n;;;;;\r\n`;
      await page.setInputFiles('#file', { name: 'evaluari.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Check the file' }).click();
      const preview = page.getByRole('region', { name: 'Check evaluari.csv' });
      await expect(preview.innerText()).resolves.toContain('Separator: semicolon (;), read from the header line.');
      await expect(preview.innerText()).resolves.toContain('Ignored columns: skill_name.');
      await expect(preview.innerText()).resolves.toContain('1 row of empty cells skipped.');
      await expect(preview.innerText()).resolves.toMatch(/1 rating read: 1 new, 0 already recorded/);
      // The preview wrote nothing.
      const ratings = () =>
        database.db
          .select()
          .from(skillRatings)
          .where(and(eq(skillRatings.subjectUserId, person.id), eq(skillRatings.kind, 'manager')))
          .orderBy(desc(skillRatings.id));
      expect(await ratings()).toEqual([]);
      await checkA11y(page, 'import preview');

      await preview.getByRole('button', { name: 'Import 1 new rating' }).click();
      await page.waitForURL(`${base}/app/skills/import?written=1&skipped=0`);
      const [row] = await ratings();
      expect(row).toMatchObject({ skillId: 'spreadsheets', level: 3, note: 'Pivot tables; lookups' });
      expect(row!.ratedAt.toISOString()).toBe('2026-10-01T00:00:00.000Z');
    } finally {
      await context.close();
    }
  });

  it('downloads the template in the organisation’s separator, and names a workbook upload', async () => {
    const { context, page } = await signedInPage(browser, base, 'manager@demo.opspath.test', 'opspath-demo', {
      viewport: { width: 1280, height: 900 },
    });
    try {
      await page.goto(`${base}/app/skills/import`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download a template' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('ratings-template-ro-RO.csv');
      const text = (await readFile((await download.path())!)).toString('utf8');
      expect(text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('email;skill;level;date;note');

      await page.setInputFiles('#file', {
        name: 'evaluari.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: Buffer.from('PK\x03\x04rest of a zip', 'latin1'),
      });
      await page.getByRole('button', { name: 'Check the file' }).click();
      await expect(page.getByRole('alert').innerText()).resolves.toMatch(/Excel workbook \(\.xlsx\), not a CSV file.*CSV UTF-8/);
    } finally {
      await context.close();
    }
  });

  it('the admin page holds the spreadsheet setting beside the time zone', async () => {
    const { context, page } = await signedInPage(browser, base, 'admin@demo.opspath.test', 'opspath-demo', {
      viewport: { width: 1280, height: 900 },
    });
    try {
      await page.goto(`${base}/app/admin/`);
      await expect(page.getByLabel('Spreadsheets').inputValue()).resolves.toBe('ro-RO');
    } finally {
      await context.close();
    }
  });
});
