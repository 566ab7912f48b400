// Bulk actions on people in Chromium, as an admin uses them: search, tick two
// people, change their tier, read the counted answer; "Tick everyone on this
// page"; and a link that tries to put its own words in the "Done" notice.
// As a manager uses them on their People list (/app/team/): tick two of their
// team, change the tier; without JavaScript, deactivate two after the
// confirmation; a forged id of another team's person is "not found".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { baseUrl, createPerson, DEMO_PASSWORD, serverDatabase, signedIn } from '../support/app.ts';
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

describe("bulk actions on a manager's People list", { timeout: 180_000 }, () => {
  const teamTag = `Crew${Date.now().toString(36)}`;
  const crew: Awaited<ReturnType<typeof createPerson>>[] = [];
  let outsider: Awaited<ReturnType<typeof createPerson>>;
  const list = `${baseUrl()}/app/team/?q=${encodeURIComponent(teamTag)}`;
  const state = async (ids: number[]) =>
    (await database.db.select({ id: users.id, tier: users.tier, active: users.active }).from(users).where(inArray(users.id, ids)))
      .sort((a, b) => a.id - b.id)
      .map((r) => `${r.tier}:${r.active ? 'active' : 'off'}`);

  beforeAll(async () => {
    for (const n of ['Ada', 'Ben', 'Cleo', 'Dan'])
      crew.push(
        await createPerson(database, {
          label: `bulk-crew-${n.toLowerCase()}`,
          displayName: `${teamTag} ${n}`,
          team: 'Warehouse Operations',
          jobRole: 'operations-coordinator',
          tier: 'junior',
        }),
      );
    outsider = await createPerson(database, {
      label: 'bulk-outsider',
      displayName: `${teamTag} Outsider`,
      team: 'Customer Operations',
      jobRole: 'operations-coordinator',
      tier: 'junior',
    });
  });

  it('ticks two of their team, changes their tier, and comes back to the same search with the count', async () => {
    const { context: managerContext, page: managerPage } = await signedInPage(
      browser,
      baseUrl(),
      'manager@demo.opspath.test',
      DEMO_PASSWORD,
    );
    await managerPage.goto(list);
    // Only their own team's people are listed: the outsider is in another team.
    await expect(managerPage.locator('main table tbody tr').count()).resolves.toBe(4);
    await checkA11y(managerPage, "manager's People list with bulk actions");
    await managerPage.getByLabel(`Select ${teamTag} Ada`, { exact: true }).check();
    await managerPage.getByLabel(`Select ${teamTag} Ben`, { exact: true }).check();
    // Admin-only actions are not offered.
    const offered = await managerPage.locator('#bulk-action option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(offered).toEqual(['', 'set-tier', 'deactivate']);
    await managerPage.selectOption('#bulk-action', 'set-tier');
    await managerPage.selectOption('#bulk-tier', 'senior');
    await Promise.all([
      managerPage.waitForURL(/done=bulk/),
      managerPage.getByRole('button', { name: 'Apply to the people ticked' }).click(),
    ]);
    await expect(managerPage.locator('.notice').innerText()).resolves.toBe('Done: 2 changed.');
    expect(new URL(managerPage.url()).searchParams.get('q')).toBe(teamTag);
    expect(await state(crew.map((p) => p.id))).toEqual(['senior:active', 'senior:active', 'junior:active', 'junior:active']);
    await managerContext.close();
  });

  it('without JavaScript deactivates two only after the confirmation, keeping the ticks when it is missing', async () => {
    const { context: noJs, page: plain } = await signedInPage(browser, baseUrl(), 'manager@demo.opspath.test', DEMO_PASSWORD, {
      javaScriptEnabled: false,
    });
    await plain.goto(list);
    const cleo = plain.getByLabel(`Select ${teamTag} Cleo`, { exact: true });
    const dan = plain.getByLabel(`Select ${teamTag} Dan`, { exact: true });
    await cleo.check();
    await dan.check();
    await plain.selectOption('#bulk-action', 'deactivate');
    await Promise.all([plain.waitForLoadState('load'), plain.getByRole('button', { name: 'Apply to the people ticked' }).click()]);
    await expect(plain.locator('#bulk-confirm-error').innerText()).resolves.toContain('confirm');
    await expect(cleo.isChecked()).resolves.toBe(true);
    await expect(dan.isChecked()).resolves.toBe(true);
    await expect(plain.getByLabel(`Select ${teamTag} Ada`, { exact: true }).isChecked()).resolves.toBe(false);
    expect(await state([crew[2]!.id, crew[3]!.id])).toEqual(['junior:active', 'junior:active']);

    await plain.getByLabel(/To deactivate: I understand/).check();
    await Promise.all([plain.waitForURL(/done=bulk/), plain.getByRole('button', { name: 'Apply to the people ticked' }).click()]);
    await expect(plain.locator('.notice').innerText()).resolves.toBe('Done: 2 deactivated.');
    expect(await state([crew[2]!.id, crew[3]!.id])).toEqual(['junior:off', 'junior:off']);
    await noJs.close();
  });

  it("a forged id of another team's person is counted as not found and left as it was", async () => {
    const manager = await signedIn('manager@demo.opspath.test');
    const res = await manager.post('/app/team/', {
      intent: 'bulk',
      action: 'set-tier',
      tier: 'senior',
      [`person-${outsider.id}`]: 'yes',
      [`person-${crew[0]!.id}`]: 'yes',
    });
    expect(res.status).toBe(303);
    const answer = new URL(res.headers.get('location')!, baseUrl()).searchParams.get('result');
    expect(answer).toBe('0 changed, 1 skipped: not found, 1 skipped: already at that tier');
    expect(await state([outsider.id])).toEqual(['junior:active']);
    // And an admin-only action is refused outright.
    const move = await manager.post('/app/team/', { intent: 'bulk', action: 'resend-invitation', [`person-${crew[0]!.id}`]: 'yes' });
    expect(move.status).toBe(403);
  });
});
