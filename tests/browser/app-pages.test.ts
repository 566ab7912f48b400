// The workspace pages in Chromium, per role: what each role sees, forms that
// work with JavaScript switched off, field errors, and axe on every state.
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { checkA11y, signedInPage } from '../support/browser.ts';
import { baseUrl, browserAndServerDatabase, createPerson, DEMO_PASSWORD, uniqueEmail } from '../support/app.ts';

const fixture = browserAndServerDatabase();
const base = baseUrl();

/**
 * A signed-in browser. axe needs JavaScript, so it is on by default; the pages
 * ship no script of their own (checked below), and one test runs a form flow
 * with JavaScript off.
 */
async function as(
  email: string,
  options: { password?: string; javaScript?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  return signedInPage(fixture.browser, base, email, options.password ?? DEMO_PASSWORD, { javaScriptEnabled: options.javaScript ?? true });
}

describe('admin', () => {
  it('sees organisation counts, every team and the admin area', async () => {
    const { page } = await as('admin@demo.opspath.test');
    const main = await page.locator('main').textContent();
    expect(main).toContain('Your organisation');
    expect(main).toMatch(/\d+\s*teams/);
    await checkA11y(page, 'admin dashboard');

    const workspace = page.getByRole('navigation', { name: 'Workspace' });
    await workspace.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.waitForURL(`${base}/app/admin/`);
    await expect(page.getByRole('rowheader', { name: 'Warehouse Operations' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('rowheader', { name: 'Customer Operations' }).isVisible()).resolves.toBe(true);
    await checkA11y(page, 'admin area');

    await workspace.getByRole('link', { name: 'People', exact: true }).click();
    await page.waitForURL(`${base}/app/team/`);
    await checkA11y(page, 'people by team');
  });

  it('creates a team, and a duplicate name gets a field error beside that form', async () => {
    const { page } = await as('admin@demo.opspath.test');
    await page.goto(`${base}/app/admin/`);
    const name = `Night Shift ${Date.now()}`;
    await page.getByLabel('Team name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.waitForURL(`${base}/app/admin/?done=team-created`);
    await expect(page.getByRole('rowheader', { name }).isVisible()).resolves.toBe(true);

    await page.getByLabel('Team name', { exact: true }).fill(name.toUpperCase());
    await page.getByRole('button', { name: 'Create team' }).click();
    await expect(page.locator('#new-team-name-error').textContent()).resolves.toBe('A team with this name already exists.');
    await expect(page.getByLabel('Team name', { exact: true }).inputValue()).resolves.toBe(name.toUpperCase());
    await checkA11y(page, 'admin area with a field error');
  });
});

describe('manager', () => {
  it('sees their own team only, and the people in it', async () => {
    const { page } = await as('manager@demo.opspath.test');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Warehouse Operations');
    expect(main).toContain('Nina Patel');
    expect(main).not.toContain('Customer Operations');
    expect(main).not.toContain('Priya Raman');
    await expect(page.getByRole('link', { name: 'Admin', exact: true }).count()).resolves.toBe(0);
  });

  it('adds a person, sees field errors first, then edits and deactivates them once confirmed', async () => {
    const { page } = await as('manager@demo.opspath.test');
    await page.goto(`${base}/app/team/`);
    await checkA11y(page, 'my team');

    const email = uniqueEmail('browser-add');
    await page.getByLabel('Name', { exact: true }).fill('Robin Added');
    await page.getByLabel('Email').fill('robin-at-example');
    await page.getByRole('button', { name: 'Add person' }).click();
    await expect(page.locator('#email-error').isVisible()).resolves.toBe(true);
    await expect(page.locator('#position-error').textContent()).resolves.toBe('Choose a role and tier from the list.');
    await expect(page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Robin Added');
    await checkA11y(page, 'add person with field errors');

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Role and tier').selectOption({ index: 2 });
    await page.getByLabel('I will set a password').check();
    await page.getByLabel('Password (only if you set it)').fill('robin-password');
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.waitForURL(`${base}/app/team/?done=added`);
    await page.getByRole('link', { name: 'Robin Added' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Robin Added');
    await checkA11y(page, 'person page');

    await page.getByLabel('Name', { exact: true }).fill('Robin Edited');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('Changes saved.');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Robin Edited');

    // The first click without the box ticked deactivates nobody: the box gets an error.
    await page.getByRole('button', { name: /Deactivate Robin Edited/ }).click();
    await expect(page.locator('#deactivate-confirm-error').textContent()).resolves.toMatch(/Tick the box to confirm/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.not.toContain('Deactivated');
    await checkA11y(page, 'deactivation not confirmed');
    await page.getByLabel(/I understand: Robin Edited is signed out everywhere/).check();
    await page.getByRole('button', { name: /Deactivate Robin Edited/ }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Deactivated');
    await checkA11y(page, 'deactivated person');
  });

  it('gets the “not found” page for another team’s person', async () => {
    const outsider = await createPerson(fixture.database, { label: 'outsider', team: 'Customer Operations' });
    const { page } = await as('manager@demo.opspath.test');
    const res = await page.goto(`${base}/app/team/${outsider.id}/`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Not found');
    await checkA11y(page, 'not found');
  });
});

describe('without JavaScript', () => {
  it('the workspace pages ship no script, and signing in and adding a person work with JavaScript off', async () => {
    const { page } = await as('manager@demo.opspath.test', { javaScript: false });
    for (const path of ['/app/', '/app/team/', '/app/account/']) {
      await page.goto(`${base}${path}`);
      expect(await page.locator('script').count(), path).toBe(0);
    }
    await page.goto(`${base}/app/team/`);
    await page.getByLabel('Name', { exact: true }).fill('No Script');
    await page.getByLabel('Email').fill(uniqueEmail('no-js'));
    await page.getByLabel('Role and tier').selectOption({ index: 1 });
    // The server has no mail server, so a password may still be generated instead of an invitation.
    await page.getByLabel('Generate a password and show it to me once').check();
    await page.getByRole('button', { name: 'Add person' }).click();
    // Generated password, shown once on the response page.
    await expect(page.locator('code.secret').textContent()).resolves.toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  });
});

describe('member', () => {
  it('sees only their profile, and the team area says it is not for them', async () => {
    const { page } = await as('newhire@demo.opspath.test');
    await expect(page.getByRole('link', { name: 'My team' }).count()).resolves.toBe(0);
    const res = await page.goto(`${base}/app/team/`);
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Not available to you');
    await checkA11y(page, 'forbidden');
  });
});
