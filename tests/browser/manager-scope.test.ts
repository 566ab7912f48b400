// A manager sees everyone in the teams they manage but acts as their manager
// only for members: against the real server, the skills page of a manager or
// an admin who sits in the team offers no rating form, and a posted rating is
// refused (403) without writing anything; a member's page still has the form.
// The same for certification reminders: listed, but no "Mark handled" form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '#server/db/client.ts';
import { certificationRecords, skillRatings, users } from '#server/db/schema.ts';
import { createPerson, serverDatabase, signedIn, type Visitor } from '../support/app.ts';

let database: Database;
let manager: Visitor;

beforeAll(async () => {
  database = serverDatabase();
  manager = await signedIn('manager@demo.opspath.test');
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

    const own = await (await signedIn(seated.email, seated.password)).get('/app/certifications/reminders');
    const reminderOn = new RegExp(`name="recordId" value="${record!.id}"[^]*?name="reminderOn" value="([0-9-]+)"`).exec(
      await own.text(),
    )?.[1];
    expect(reminderOn).toBeTruthy();
    const posted = await manager.post('/app/certifications/reminders', { recordId: String(record!.id), reminderOn: reminderOn! });
    expect(posted.status).toBe(403);
  });
});
