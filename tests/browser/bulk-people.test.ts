// Bulk actions on people in Chromium, as an admin uses them: search, tick two
// people, change their tier, read the counted answer; "Tick everyone on this
// page"; and a link that tries to put its own words in the "Done" notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { baseUrl, createPerson, DEMO_PASSWORD, serverDatabase } from '../support/app.ts';
import type { Database } from '#server/db/client.ts';
import { users } from '#server/db/schema.ts';

let browser: Browser;
let database: Database;
let context: BrowserContext;
let page: Page;
const tag = `Bulk${Date.now().toString(36)}`;
const people: Awaited<ReturnType<typeof createPerson>>[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  database = serverDatabase();
  for (const n of ['One', 'Two', 'Three'])
    people.push(
      await createPerson(database, {
        label: `bulk-${n.toLowerCase()}`,
        displayName: `${tag} ${n}`,
        team: 'Warehouse Operations',
        jobRole: 'operations-coordinator',
        tier: 'junior',
      }),
    );
  ({ context, page } = await signedInPage(browser, baseUrl(), 'admin@demo.opspath.test', DEMO_PASSWORD));
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  database?.close();
});

const tiers = async () =>
  (
    await database.db
      .select({ name: users.displayName, tier: users.tier })
      .from(users)
      .where(
        inArray(
          users.id,
          people.map((p) => p.id),
        ),
      )
  )
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) => `${r.name}:${r.tier}`);

describe('bulk actions on people', { timeout: 180_000 }, () => {
  it('changes the tier of the two people ticked, and says how many changed and why one was skipped', async () => {
    await page.goto(`${baseUrl()}/app/admin/people/?q=${encodeURIComponent(tag)}`);
    await expect(page.locator('tbody tr').count()).resolves.toBe(3);
    await checkA11y(page, 'bulk people page');
    await page.getByLabel(`${tag} One`, { exact: true }).check();
    await page.getByLabel(`${tag} Two`, { exact: true }).check();
    await page.selectOption('#bulk-action', 'set-tier');
    await page.selectOption('#bulk-tier', 'senior');
    await Promise.all([page.waitForURL(/done=bulk/), page.getByRole('button', { name: 'Apply to the people ticked' }).click()]);
    await expect(page.locator('.notice').innerText()).resolves.toBe('Done: 2 changed.');
    expect(await tiers()).toEqual([`${tag} One:senior`, `${tag} Three:junior`, `${tag} Two:senior`]);

    // Everyone on the page: one already at that tier is counted as skipped, with the reason.
    await page.goto(`${baseUrl()}/app/admin/people/?q=${encodeURIComponent(tag)}`);
    await page.getByRole('link', { name: 'Tick everyone on this page' }).click();
    await page.waitForURL(/tick=all/);
    for (const p of people) await expect(page.getByLabel(p.displayName, { exact: true }).isChecked()).resolves.toBe(true);
    await page.getByLabel(`${tag} Three`, { exact: true }).uncheck();
    await page.selectOption('#bulk-action', 'set-tier');
    await page.selectOption('#bulk-tier', 'senior');
    await Promise.all([page.waitForURL(/done=bulk/), page.getByRole('button', { name: 'Apply to the people ticked' }).click()]);
    await expect(page.locator('.notice').innerText()).resolves.toBe('Done: 0 changed, 2 skipped: already at that tier.');
    expect(await tiers()).toEqual([`${tag} One:senior`, `${tag} Three:junior`, `${tag} Two:senior`]);
  });

  it('refuses an action with nobody ticked, and keeps the choices', async () => {
    await page.goto(`${baseUrl()}/app/admin/people/?q=${encodeURIComponent(tag)}`);
    await page.selectOption('#bulk-action', 'set-tier');
    await page.getByRole('button', { name: 'Apply to the people ticked' }).click();
    await expect(page.locator('#bulk-action-error').innerText()).resolves.not.toBe('');
    await expect(page.locator('#bulk-action').inputValue()).resolves.toBe('set-tier');
    expect(await tiers()).toEqual([`${tag} One:senior`, `${tag} Three:junior`, `${tag} Two:senior`]);
  });

  it('shows no notice a crafted link wrote', async () => {
    await page.goto(
      `${baseUrl()}/app/admin/people/?done=bulk&result=${encodeURIComponent('3 changed, 1 skipped: call +40 700 000 000 now')}`,
    );
    await expect(page.locator('.notice').count()).resolves.toBe(0);
    await expect(page.locator('main').innerText()).resolves.not.toContain('call +40');
  });
});
