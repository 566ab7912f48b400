// Managers act as someone's manager only for members of the teams they
// manage (canActAsManagerOf): a manager or an admin who sits in the team is
// seen but not rated, and the refusal changes nothing; admins rate anyone.
// (Marking reminders handled: certifications.test.ts; the pages:
// tests/browser/manager-scope.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import type { Actor } from '#domain/access.ts';
import { auditLog, teamMemberships, teams, users } from '#server/db/schema.ts';
import { recordRating } from '#server/skills/index.ts';
import { testContext } from '../support/context.ts';
import { expectUnchanged, tableSnapshot } from '../support/db-state.ts';
import { actorByEmail, createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';

const NOW = new Date('2026-11-22T10:00:00Z');
let t: TestDatabase;
const people = {} as Record<'admin' | 'manager' | 'member' | 'seatedManager' | 'seatedAdmin', Actor>;

beforeAll(async () => {
  t = await createTestDatabase('manager-scope');
  await seedDemo(t.db, NOW);
  const actor = (email: string) => actorByEmail(t.db, email);
  people.admin = await actor('admin@demo.opspath.test');
  people.manager = await actor('manager@demo.opspath.test');
  people.member = await actor('tom.becker@demo.opspath.test');
  // A manager and an admin who sit in the Warehouse team, which `manager` manages.
  const [warehouse] = await t.db.select().from(teams).where(eq(teams.name, 'Warehouse Operations'));
  const seated = await t.db
    .insert(users)
    .values([
      { orgId: people.admin.orgId, email: 'floor.lead@demo.opspath.test', displayName: 'Floor Lead', passwordHash: 'x', role: 'manager' },
      { orgId: people.admin.orgId, email: 'ops.admin@demo.opspath.test', displayName: 'Ops Admin', passwordHash: 'x', role: 'admin' },
    ])
    .returning();
  await t.db.insert(teamMemberships).values(seated.map((u) => ({ teamId: warehouse!.id, userId: u.id })));
  people.seatedManager = await actor('floor.lead@demo.opspath.test');
  people.seatedAdmin = await actor('ops.admin@demo.opspath.test');
});
afterAll(() => t.cleanup());

const rate = (actor: Actor, subject: Actor) =>
  recordRating(t.db, testContext(actor, NOW, '203.0.113.9'), String(subject.id), { skillId: 'spreadsheets', level: '3' });

describe('manager ratings', () => {
  it('a manager rates a member of their team as their manager', async () => {
    const result = await rate(people.manager, people.member);
    expect(result).toMatchObject({ ok: true, value: { rating: { kind: 'manager', raterUserId: people.manager.id } } });
  });

  it.each(['seatedManager', 'seatedAdmin'] as const)('a manager may not rate the %s in their team: 403, nothing written', async (who) => {
    const before = await tableSnapshot(t);
    expect(await rate(people.manager, people[who])).toMatchObject({ ok: false, status: 403 });
    await expectUnchanged(t, before);
  });

  it.each(['seatedManager', 'seatedAdmin'] as const)('an admin rates the %s as their manager, audited', async (who) => {
    const result = await rate(people.admin, people[who]);
    expect(result).toMatchObject({ ok: true, value: { rating: { kind: 'manager', subjectUserId: people[who].id } } });
    const [audit] = await t.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({ action: 'skill.rated', actorUserId: people.admin.id, targetId: String(people[who].id) });
  });
});
