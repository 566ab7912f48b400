// The People list in Chromium: search by a name prefix, a filter, following
// the next page with the filters kept in the URL, and axe on the list.
import { describe, expect, it } from 'vitest';
import { checkA11y, signedInPage } from '../support/browser.ts';
import { baseUrl, browserAndServerDatabase, createPerson, DEMO_PASSWORD } from '../support/app.ts';

const fixture = browserAndServerDatabase();
const base = baseUrl();

describe('People list', () => {
  it('an admin searches by name prefix, filters by team and status, and pages through with the filters kept', async () => {
    const prefix = `Quillon${Date.now().toString(36)}`;
    const created = [];
    for (let i = 0; i < 53; i += 1) {
      created.push(
        await createPerson(fixture.database, {
          label: `list-${i}`,
          team: 'Warehouse Operations',
          displayName: `${prefix} ${String(i).padStart(2, '0')}`,
        }),
      );
    }
    const { page } = await signedInPage(fixture.browser, base, 'admin@demo.opspath.test', DEMO_PASSWORD);
    await page.goto(`${base}/app/team/`);
    await page.getByLabel('Search').fill(prefix.toLowerCase());
    await page.getByLabel('In team').selectOption({ label: 'Warehouse Operations' });
    await page.getByLabel('Status').selectOption('active');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/app\/team\/\?q=/);
    const url = new URL(page.url());
    expect(url.searchParams.get('status')).toBe('active');
    const names = () => page.locator('main table tbody tr td:first-child a').allTextContents();
    const first = await names();
    expect(first).toHaveLength(50);
    expect(first[0]).toBe(`${prefix} 00`);
    await checkA11y(page, 'people list');

    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL(/after=/);
    const next = new URL(page.url());
    expect(next.searchParams.get('q')).toBe(prefix.toLowerCase());
    expect(next.searchParams.get('status')).toBe('active');
    // The form still shows the search that led here.
    await expect(page.getByLabel('Search').inputValue()).resolves.toBe(prefix.toLowerCase());
    const second = await names();
    expect(second).toEqual([`${prefix} 50`, `${prefix} 51`, `${prefix} 52`]);
    await expect(page.getByRole('link', { name: 'Next page' }).count()).resolves.toBe(0);
    expect(new Set([...first, ...second]).size).toBe(created.length);

    await page.goto(`${base}/app/team/?q=${prefix}&status=deactivated`);
    await expect(page.locator('main table caption').textContent()).resolves.toContain('Nobody matches');
  });

  it('an admin deactivates a person (confirmed on their page), then reactivates them from the list, and they sign in again', async () => {
    const prefix = `Relit${Date.now().toString(36)}`;
    const person = await createPerson(fixture.database, { label: 'relit', team: 'Warehouse Operations', displayName: `${prefix} Person` });
    const { page } = await signedInPage(fixture.browser, base, 'admin@demo.opspath.test', DEMO_PASSWORD);
    await page.goto(`${base}/app/team/${person.id}/`);
    await page.getByLabel(new RegExp(`I understand: ${prefix} Person is signed out everywhere`)).check();
    await page.getByRole('button', { name: new RegExp(`Deactivate ${prefix} Person`) }).click();
    await page.waitForURL(/done=deactivated/);

    await page.goto(`${base}/app/team/?q=${prefix}&status=deactivated`);
    // Only deactivated rows carry the button, and it names who it is for.
    await page.getByRole('button', { name: new RegExp(`^Reactivate\\W+${prefix} Person$`) }).click();
    await page.waitForURL(/\/app\/team\/\?done=activated/);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Reactivated');
    await page.goto(`${base}/app/team/?q=${prefix}&status=deactivated`);
    await expect(page.locator('main table caption').textContent()).resolves.toContain('Nobody matches');
    await page.goto(`${base}/app/team/?q=${prefix}&status=active`);
    await expect(page.getByRole('button', { name: /Reactivate/ }).count()).resolves.toBe(0);
    await checkA11y(page, 'people list after reactivation');

    const again = await signedInPage(fixture.browser, base, person.email, person.password);
    expect(new URL(again.page.url()).pathname).not.toBe('/login');
  });

  it('an admin moves a person to another team: added there, then taken out of the first once the box is ticked', async () => {
    const mover = await createPerson(fixture.database, { label: 'mover', team: 'Warehouse Operations', displayName: 'Moving Person' });
    const { page } = await signedInPage(fixture.browser, base, 'admin@demo.opspath.test', DEMO_PASSWORD);
    await page.goto(`${base}/app/team/${mover.id}/`);
    await page.getByLabel('Add to team').selectOption({ label: 'Customer Operations' });
    await page.getByRole('button', { name: 'Add to team' }).click();
    await page.waitForURL(/done=team-added/);
    await expect(page.locator('dl.profile').textContent()).resolves.toMatch(/Customer Operations, Warehouse Operations/);
    // Without the tick nobody is taken out: the box gets an error.
    await page.getByRole('button', { name: 'Take out of Warehouse Operations' }).click();
    await expect(page.locator('main').textContent()).resolves.toMatch(/Tick the box to confirm/);
    await checkA11y(page, 'person teams with an error');
    await page.getByLabel(/Warehouse Operations's manager no longer sees/).check();
    await page.getByRole('button', { name: 'Take out of Warehouse Operations' }).click();
    await page.waitForURL(/done=team-removed/);
    await expect(page.locator('dl.profile').textContent()).resolves.toMatch(/Team\s*Customer Operations\s*$/);
  });
});
