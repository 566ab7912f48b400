// The admin's organisation-wide lists in Chromium, on an organisation of its
// own (120 people, so the demo organisation's counts stay as other files
// expect): the compliance matrix a page at a time with a name search, and the
// ramp page's searchable picker and plan search. Every control is a GET form
// or a link, so the address keeps the state; axe checks each view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { checkA11y, launchBrowser, signedInPage, islandTakesOver } from '../support/browser.ts';
import { seedSkillsBenchmarkOrg } from '#server/demo/skills.ts';
import type { Database } from '#server/db/client.ts';
import { hashPassword } from '#server/auth/password.ts';
import { baseUrl, serverDatabase } from '../support/app.ts';

const base = baseUrl();
let database: Database;
let browser: Browser;
let adminEmail: string;
const password = `paging-${Date.now()}`;

beforeAll(async () => {
  database = serverDatabase();
  const org = await seedSkillsBenchmarkOrg(database.db, {
    label: `paging${Date.now()}`,
    passwordHash: await hashPassword(password),
    people: 120,
    skills: 2,
    teamSize: 40,
    rounds: 1,
  });
  adminEmail = org.adminEmail;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

describe("an admin's organisation-wide lists", () => {
  it('pages the compliance matrix, keeps the search in the address, and passes axe', async () => {
    const { context, page } = await signedInPage(browser, base, adminEmail, password);
    await page.goto(`${base}/app/certifications/`);
    const pages = page.locator('nav[aria-label="Pages of the matrix"]');
    await expect(pages.locator('a[rel="next"]').count()).resolves.toBe(1);
    await expect(pages.locator('a[rel="prev"]').count()).resolves.toBe(0);
    await checkA11y(page, 'compliance, first page');
    await pages.locator('a[rel="next"]').click();
    await page.waitForURL(/after=/);
    await expect(pages.locator('a[rel="prev"]').count()).resolves.toBe(1);
    // The island's search is the server's, as without JavaScript: the page holds one slice of the organisation.
    await islandTakesOver(page, 'table.matrix[data-island]');
    await expect(page.getByLabel('Name contains').count()).resolves.toBe(0);
    await page.getByLabel('Name starts with').fill('Person 11');
    await page.getByRole('button', { name: 'Search the organisation' }).click();
    await page.waitForURL(/q=Person\+11/);
    // A new search starts at the top: the form sends no cursor.
    expect(new URL(page.url()).searchParams.has('after')).toBe(false);
    await expect(page.getByLabel('Name starts with').inputValue()).resolves.toBe('Person 11');
    // Person 110-119 match: one page, no page links.
    await expect(pages.count()).resolves.toBe(0);
    const names = await page.locator('table.matrix tbody th .person').allTextContents();
    expect(names.every((n) => n.startsWith('Person 11'))).toBe(true);
    await checkA11y(page, 'compliance, searched');
    await context.close();
  });

  it('finds the new hire by name on the ramp page, without JavaScript', async () => {
    const { context, page } = await signedInPage(browser, base, adminEmail, password, { javaScriptEnabled: false });
    await page.goto(`${base}/app/ramp/`);
    await expect(page.locator('#hire-count').textContent()).resolves.toContain('The first 25 by name');
    await expect(page.locator('#personId option').count()).resolves.toBe(26); // "Choose…" and 25 people
    await page.getByLabel('Find the new hire').fill('person 00');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.waitForURL(/hire=person\+00/);
    const offered = (await page.locator('#personId option').allTextContents()).filter((o) => o !== 'Choose…');
    expect(offered).toHaveLength(9); // Person 001-009
    expect(offered.every((o) => o.startsWith('Person 00'))).toBe(true);
    await expect(page.getByLabel('Find the new hire').inputValue()).resolves.toBe('person 00');
    await page.getByLabel('Find the new hire').fill('nobody by this name');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.waitForURL(/hire=nobody/);
    await expect(page.getByText('Nobody you can start a plan for has a name or email starting with').count()).resolves.toBe(1);
    // The plans search is there for an admin, as a GET form.
    await expect(page.getByRole('search', { name: 'Search plans' }).count()).resolves.toBe(1);
    await context.close();
    // axe runs as a script: the same searched page, with JavaScript.
    const withJs = await signedInPage(browser, base, adminEmail, password);
    await withJs.page.goto(`${base}/app/ramp/?hire=person+00`);
    await checkA11y(withJs.page, 'ramp picker, searched');
    await withJs.context.close();
  });
});
