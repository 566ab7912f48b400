// A manager sees everyone in the teams they manage but acts as their manager
// only for members: against the real server, the skills page of a manager or
// an admin who sits in the team offers no rating form, and a posted rating is
// refused (403) without writing anything; a member's page still has the form.
// The same for certification reminders: listed, but no "Mark handled" form,
// and in the skills matrix (Chromium): their cells open their page, not the
// inline rating editor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '#server/db/client.ts';
import { certificationRecords, skillRatings, users } from '#server/db/schema.ts';
import { baseUrl, createPerson, serverDatabase, teamId, type Visitor } from '../support/app.ts';
import { visitorWithSession } from '../support/sessions.ts';
import { launchBrowser, matrixIsland } from '../support/browser.ts';

let database: Database;
let manager: Visitor;

beforeAll(async () => {
  database = serverDatabase();
  const [row] = await database.db.select().from(users).where(eq(users.email, 'manager@demo.opspath.test'));
  manager = await visitorWithSession(database, row!.id);
});
afterAll(() => database?.close());

const RATING_FORM = /id="rate"|Save rating/;

describe('a manager acting for people in their team', () => {
  it('rates a member of the team', async () => {
    const member = await createPerson(database, { label: 'scope-member', team: 'Warehouse Operations' });
    const page = await manager.get(`/app/skills/people/${member.id}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(RATING_FORM);
  });

  it.each([
    ['a manager', 'manager'],
    ['an admin', 'admin'],
  ] as const)('sees but does not rate %s who sits in the team', async (_, role) => {
    const seated = await createPerson(database, {
      label: `scope-${role}`,
      role,
      team: 'Warehouse Operations',
      jobRole: 'operations-manager',
      tier: 'manager',
    });
    const page = await manager.get(`/app/skills/people/${seated.id}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(RATING_FORM);
    expect(html).toContain('You can see these ratings but not add one.');
    const posted = await manager.post(`/app/skills/people/${seated.id}/`, { intent: 'rate', skillId: 'spreadsheets', level: '3' });
    expect(posted.status).toBe(403);
    expect(await database.db.select().from(skillRatings).where(eq(skillRatings.subjectUserId, seated.id))).toEqual([]);
  });
});

describe('a manager and the certification reminders of their team', () => {
  it('lists a seated manager’s due reminder without a form, and refuses marking it', async () => {
    const seated = await createPerson(database, {
      label: 'scope-reminder',
      role: 'manager',
      team: 'Warehouse Operations',
      jobRole: 'operations-manager',
      tier: 'manager',
    });
    // A copy of a demo record whose reminder is due (Marcus Reid's Six Sigma Black Belt).
    const [marcus] = await database.db.select().from(users).where(eq(users.email, 'marcus.reid@demo.opspath.test'));
    const [source] = await database.db
      .select()
      .from(certificationRecords)
      .where(and(eq(certificationRecords.userId, marcus!.id), eq(certificationRecords.certificationId, 'asq-cssbb')));
    const { id: _id, ...fields } = source!;
    const [record] = await database.db
      .insert(certificationRecords)
      .values({ ...fields, userId: seated.id, createdBy: seated.id })
      .returning();

    const page = await manager.get('/app/certifications/reminders');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(seated.displayName);
    expect(html).toContain(`${seated.displayName} or an admin marks this one handled.`);
    expect(html).not.toContain(`name="recordId" value="${record!.id}"`);
    // Members of the team keep their forms.
    expect(html).toMatch(/name="recordId" value="\d+"/);

    const own = await (await visitorWithSession(database, seated.id)).get('/app/certifications/reminders');
    const reminderOn = new RegExp(`name="recordId" value="${record!.id}"[^]*?name="reminderOn" value="([0-9-]+)"`).exec(
      await own.text(),
    )?.[1];
    expect(reminderOn).toBeTruthy();
    const posted = await manager.post('/app/certifications/reminders', { recordId: String(record!.id), reminderOn: reminderOn! });
    expect(posted.status).toBe(403);
  });
});

describe('the skills matrix in Chromium', () => {
  it('opens the inline editor for a member of the team, and the person’s page for a manager who sits in it', async () => {
    const member = await createPerson(database, { label: 'matrix-member', team: 'Warehouse Operations' });
    const seated = await createPerson(database, {
      label: 'matrix-seated',
      role: 'manager',
      team: 'Warehouse Operations',
      jobRole: 'operations-manager',
      tier: 'manager',
    });
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const [name, value] = manager.cookie!.split('=') as [string, string];
      await context.addCookies([{ name, value, url: baseUrl(), httpOnly: true, sameSite: 'Lax' }]);
      const page = await context.newPage();
      await page.goto(`${baseUrl()}/app/skills/?team=${await teamId(database, 'Warehouse Operations')}`);
      // The island replaces the server's table; a click before then would follow the no-JavaScript link.
      await matrixIsland(page);
      const dialogOpen = () => page.locator('#rating-editor').evaluate((d) => (d as HTMLDialogElement).open);

      await page.locator(`tr[data-p="${member.id}"] td.c > a`).first().click();
      await expect(dialogOpen()).resolves.toBe(true);
      await page.keyboard.press('Escape');
      await expect(dialogOpen()).resolves.toBe(false);

      await expect(page.locator(`tr[data-p="${seated.id}"]`).getAttribute('data-readonly')).resolves.toBe('');
      await page.locator(`tr[data-p="${seated.id}"] td.c > a`).first().click();
      await page.waitForURL((url) => url.pathname === `/app/skills/people/${seated.id}/`);
      await expect(page.getByText('You can see these ratings but not add one.').isVisible()).resolves.toBe(true);
    } finally {
      await browser.close();
    }
  });
});
