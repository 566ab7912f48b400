// The admin's teams list in Chromium, on an organisation of its own with 75
// teams: a name search and keyset page links in a GET form, so the address
// keeps the state; axe checks each view. Also the skills matrix's export link
// carries the page's name search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { seedSkillsBenchmarkOrg } from '#server/demo/skills.ts';
import type { Database } from '#server/db/client.ts';
import { hashPassword } from '#server/auth/password.ts';
import { teams } from '#server/db/schema.ts';
import { baseUrl, serverDatabase } from '../support/app.ts';

const base = baseUrl();
let database: Database;
let browser: Browser;
let adminEmail: string;
const password = `teams-${Date.now()}`;

beforeAll(async () => {
  database = serverDatabase();
  const org = await seedSkillsBenchmarkOrg(database.db, {
    label: `teams${Date.now()}`,
    passwordHash: await hashPassword(password),
    people: 40,
    skills: 2,
    teamSize: 40,
    rounds: 1,
  });
  adminEmail = org.adminEmail;
  const now = new Date();
  for (let i = 0; i < 75; i++)
    await database.db
      .insert(teams)
      .values({ orgId: org.orgId, name: `Dock ${String(i).padStart(2, '0')}`, createdAt: now, updatedAt: now });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

describe("an admin's teams list", () => {
  it('pages the teams, searches by the start of a name in the address, and passes axe', async () => {
    const { context, page } = await signedInPage(browser, base, adminEmail, password);
    await page.goto(`${base}/app/admin/`);
    const pages = page.locator('nav[aria-label="Pages: search teams"]');
    const rowNames = () => page.locator('section[aria-labelledby="teams-title"] tbody th[scope="row"]').allTextContents();
    expect((await rowNames()).length).toBe(50);
    await expect(pages.locator('a[rel="next"]').count()).resolves.toBe(1);
    await checkA11y(page, 'admin, teams first page');
    const first = await rowNames();
    await pages.locator('a[rel="next"]').click();
    await page.waitForURL(/after=/);
    const second = await rowNames();
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((n) => first.includes(n))).toBe(false);
    await page.getByLabel('Team name starts with').fill('dock 7');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=dock\+7/);
    expect(new URL(page.url()).searchParams.has('after')).toBe(false);
    expect((await rowNames()).sort()).toEqual(['Dock 70', 'Dock 71', 'Dock 72', 'Dock 73', 'Dock 74']);
    await expect(pages.count()).resolves.toBe(0);
    await checkA11y(page, 'admin, teams searched');
    await context.close();
  });

  it("the skills matrix's export link keeps the name search", async () => {
    const { context, page } = await signedInPage(browser, base, adminEmail, password);
    await page.goto(`${base}/app/skills/?q=Person`);
    const href = await page.locator('a[href^="/app/skills/export.csv"]').first().getAttribute('href');
    expect(new URL(href!, base).searchParams.get('q')).toBe('Person');
    const response = await context.request.get(new URL(href!, base).toString());
    expect(response.status()).toBe(200);
    await context.close();
  });
});
