// The certification reminders page as a manager with many due reminders uses
// it: a search by a part of a name (accents folded), the certification and
// urgency filters, keyset pages of 50 that neither repeat nor skip a reminder,
// and "Mark handled" coming back to the same search. Real Chromium, real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { baseUrl, createPerson, DEMO_PASSWORD, serverDatabase } from '../support/app.ts';
import type { Database } from '#server/db/client.ts';
import { certificationRecords, organisations, users } from '#server/db/schema.ts';
import { addDays, addMonths, localDate } from '#domain/calendar.ts';
import { settingsFrom } from '#server/certifications/queries.ts';

let browser: Browser;
let database: Database;
let today: string;
const run = Date.now().toString(36);

/** A person in the manager's team whose PL-300 expires `daysLeft` days from today (negative: expired). */
async function personWithExpiry(name: string, daysLeft: number) {
  const person = await createPerson(database, { label: `reminder-${run}`, team: 'Warehouse Operations', displayName: name });
  const expiresOn = addDays(today, daysLeft);
  await database.db.insert(certificationRecords).values({
    orgId: person.orgId,
    userId: person.id,
    certificationId: 'ms-pl300',
    status: 'earned',
    earnedOn: addMonths(expiresOn, -12),
    expiresOn,
    expirySource: 'computed',
    createdBy: person.id,
  });
  return person;
}

const listed = (page: Page) => page.locator('ul.reminders li .what .muted').allInnerTexts();

beforeAll(async () => {
  browser = await launchBrowser();
  database = serverDatabase();
  const [admin] = await database.db.select().from(users).where(eq(users.email, 'admin@demo.opspath.test'));
  const [org] = await database.db.select().from(organisations).where(eq(organisations.id, admin!.orgId));
  today = localDate(new Date(), settingsFrom(org!.settings).timeZone);
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

describe('certification reminders list', () => {
  it('finds reminders by name and urgency, pages 50 at a time, and comes back to the search after marking one handled', async () => {
    const tag = `Rmd${run}`;
    // 52 people: two pages. Days left 1..52, so the most urgent comes first.
    for (let i = 1; i <= 52; i++) await personWithExpiry(`${tag} Person ${String(i).padStart(2, '0')}`, i);
    await personWithExpiry(`Ștefan ${tag} Expired`, -3);

    const { page } = await signedInPage(browser, baseUrl(), 'manager@demo.opspath.test', DEMO_PASSWORD);
    await page.goto(`${baseUrl()}/app/certifications/reminders?q=${tag}`);
    const first = await listed(page);
    expect(first).toHaveLength(50);
    // Most urgent first: the expired one, then 1, 2, ... days left.
    expect(first[0]).toBe(`(Ștefan ${tag} Expired)`);
    expect(first[1]).toBe(`(${tag} Person 01)`);
    await expect(page.getByTestId('reminder-count').innerText()).resolves.toMatch(/^53 of \d+ due reminders match\.$/);
    await checkA11y(page, 'reminders page, searched');

    await Promise.all([page.waitForURL(/after=/), page.click('a[rel=next]')]);
    const second = await listed(page);
    expect(second).toEqual([`(${tag} Person 50)`, `(${tag} Person 51)`, `(${tag} Person 52)`]);
    expect(new Set([...first, ...second]).size).toBe(53);
    await Promise.all([page.waitForURL(/before=/), page.click('a[rel=prev]')]);
    expect(await listed(page)).toEqual(first);

    // Accents and case folded; the urgency filter keeps only the expired one.
    await page.goto(`${baseUrl()}/app/certifications/reminders`);
    await page.fill('#list-q', `stefan ${tag.toLowerCase()}`);
    await Promise.all([page.waitForURL(/q=/), page.click('form[role=search] button[type=submit]')]);
    expect(await listed(page)).toEqual([`(Ștefan ${tag} Expired)`]);
    await page.fill('#list-q', tag);
    await page.selectOption('#reminder-when', 'expired');
    await Promise.all([page.waitForURL(/when=expired/), page.click('form[role=search] button[type=submit]')]);
    expect(await listed(page)).toEqual([`(Ștefan ${tag} Expired)`]);

    // Marking it handled comes back to the same search, now with nothing matching.
    await Promise.all([page.waitForURL(/done=handled/), page.locator('ul.reminders li button').click()]);
    const url = new URL(page.url());
    expect(url.searchParams.get('q')).toBe(tag);
    expect(url.searchParams.get('when')).toBe('expired');
    await expect(page.locator('.notice').innerText()).resolves.toBe('Reminder marked handled.');
    await expect(page.locator('main').innerText()).resolves.toContain('No due reminder matches');
    await page.context().close();
  });

  it('reads an unknown filter value as no filter', async () => {
    const { page } = await signedInPage(browser, baseUrl(), 'manager@demo.opspath.test', DEMO_PASSWORD);
    const res = await page.goto(`${baseUrl()}/app/certifications/reminders?when=soon&certification=nope&after=garbage`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('#reminder-when').inputValue()).resolves.toBe('all');
    await expect(page.locator('#reminder-certification').inputValue()).resolves.toBe('');
    await page.context().close();
  });
});
