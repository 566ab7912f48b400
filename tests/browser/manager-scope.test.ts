// A manager sees everyone in the teams they manage but acts as their manager
// only for members: against the real server, the skills page of a manager or
// an admin who sits in the team offers no rating form, and a posted rating is
// refused (403) without writing anything; a member's page still has the form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '#server/db/client.ts';
import { skillRatings } from '#server/db/schema.ts';
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
