// Bulk actions on people (decision 041) against a real migrated database: the
// selection is checked and capped, people of another organisation (or, for a
// manager, outside their teams) are never touched, a manager takes only the
// actions they may take on one person, every action applies in one transaction with one audit row per
// person changed, and the answer counts what was skipped and why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import {
  bulkActionsFor,
  bulkPeopleAction,
  describeBulkResult,
  selectedIds,
  BULK_ACTIONS,
  BULK_LIMIT,
  MANAGER_BULK_ACTIONS,
} from '#server/people/index.ts';
import { invitePerson } from '#server/account/index.ts';
import { accountTokens, auditLog, sessions, teamMemberships, teams, users } from '#server/db/schema.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import { hashPassword } from '#server/auth/password.ts';
import { createSession } from '#server/auth/session.ts';
import type { Actor } from '#domain/access.ts';
import { testContext } from '../support/context.ts';
import { createTestDatabase, seedDemo, seedOtherOrganisation, TEST_CATALOG, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let admin: Actor;
let other: Awaited<ReturnType<typeof seedOtherOrganisation>>;

beforeAll(async () => {
  t = await createTestDatabase('bulk-people');
  await seedDemo(t.db);
  admin = (await findUserByEmail(t.db, 'admin@demo.opspath.test'))!;
  other = await seedOtherOrganisation(t.db, { now: new Date('2026-11-22T09:00:00Z'), passwordHash: await hashPassword('irrelevant-pw') });
}, 60_000);
afterAll(() => t.cleanup());

const now = new Date('2026-11-23T09:00:00Z');
const ticks = (ids: number[]) => Object.fromEntries(ids.map((id) => [`person-${id}`, 'yes']));
const members = async () =>
  t.db
    .select()
    .from(users)
    .where(and(eq(users.orgId, admin.orgId), eq(users.role, 'member')))
    .orderBy(users.id);
const auditRows = (action: string, ids: number[]) =>
  t.db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, action),
        inArray(
          auditLog.targetId,
          ids.map((id) => String(id)),
        ),
      ),
    );

describe('the selection', () => {
  it('reads the ticked person-<id> boxes, each once, ignoring anything else', () => {
    expect(selectedIds({ 'person-3': 'yes', 'person-7': 'yes', 'person-x': 'yes', 'person-0': 'yes', other: '1', 'person-9': '' })).toEqual(
      [3, 7],
    );
  });

  it('needs at least one person, at most the cap, and an action', async () => {
    const ctx = testContext(admin, now);
    expect(await bulkPeopleAction(t.db, ctx, { action: 'set-tier', tier: 'senior' }, TEST_CATALOG)).toMatchObject({
      ok: false,
      status: 400,
    });
    const tooMany = ticks(Array.from({ length: BULK_LIMIT + 1 }, (_, i) => i + 1));
    expect(await bulkPeopleAction(t.db, ctx, { ...tooMany, action: 'set-tier', tier: 'senior' }, TEST_CATALOG)).toMatchObject({
      ok: false,
      status: 400,
    });
    const [m] = await members();
    expect(await bulkPeopleAction(t.db, ctx, { ...ticks([m!.id]), action: 'explode' }, TEST_CATALOG)).toMatchObject({
      ok: false,
      status: 400,
    });
  });

  it('is refused to a member, whatever the action', async () => {
    const [m, n] = await members();
    for (const action of BULK_ACTIONS) {
      const refused = await bulkPeopleAction(
        t.db,
        testContext(m!, now),
        { ...ticks([n!.id]), action, tier: 'senior', confirm: 'yes' },
        TEST_CATALOG,
      );
      expect(refused, action).toMatchObject({ ok: false, status: 403 });
    }
  });
});

describe('moving to a team', () => {
  it('puts everyone ticked in that team only, one audit row each, and counts who already was', async () => {
    const [target] = await t.db.insert(teams).values({ orgId: admin.orgId, name: 'Night Shift', managerUserId: null }).returning();
    const people = (await members()).slice(0, 3);
    // people[2] is already in Night Shift only: they count as skipped.
    await t.db.delete(teamMemberships).where(eq(teamMemberships.userId, people[2]!.id));
    await t.db.insert(teamMemberships).values({ teamId: target!.id, userId: people[2]!.id });
    const ids = [...people.map((p) => p.id), other.member.id];
    const result = await bulkPeopleAction(
      t.db,
      testContext(admin, now),
      { ...ticks(ids), action: 'move-team', teamId: String(target!.id) },
      TEST_CATALOG,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.changed).toBe(2);
    expect(result.value.skipped).toEqual(
      expect.arrayContaining([
        { reason: 'already in that team', count: 1 },
        { reason: 'not found', count: 1 },
      ]),
    );
    expect(describeBulkResult(result.value)).toContain('2 moved');
    for (const p of people) {
      const teamsNow = await t.db.select().from(teamMemberships).where(eq(teamMemberships.userId, p.id));
      expect(teamsNow.map((m) => m.teamId)).toEqual([target!.id]);
    }
    expect(
      await auditRows(
        'user.teams_changed',
        people.map((p) => p.id),
      ),
    ).toHaveLength(2);
    // The other organisation's member stays in their own team.
    const theirs = await t.db.select().from(teamMemberships).where(eq(teamMemberships.userId, other.member.id));
    expect(theirs.map((m) => m.teamId)).toEqual([other.team.id]);
  });

  it('refuses a team of another organisation, changing nobody', async () => {
    const people = (await members()).slice(0, 2);
    const result = await bulkPeopleAction(
      t.db,
      testContext(admin, now),
      { ...ticks(people.map((p) => p.id)), action: 'move-team', teamId: String(other.team.id) },
      TEST_CATALOG,
    );
    expect(result).toMatchObject({ ok: false, status: 400, fieldErrors: { teamId: expect.any(String) } });
    const inOther = await t.db.select().from(teamMemberships).where(eq(teamMemberships.teamId, other.team.id));
    expect(inOther.map((m) => m.userId)).toEqual([other.member.id]);
  });
});

describe('changing tier', () => {
  it('sets the tier in each person’s own job role and skips those without one or already there', async () => {
    const people = (await members()).slice(0, 3);
    await t.db.update(users).set({ jobRole: null, tier: null }).where(eq(users.id, people[0]!.id));
    await t.db.update(users).set({ jobRole: 'operations-coordinator', tier: 'senior' }).where(eq(users.id, people[1]!.id));
    await t.db.update(users).set({ jobRole: 'operations-coordinator', tier: 'junior' }).where(eq(users.id, people[2]!.id));
    const result = await bulkPeopleAction(
      t.db,
      testContext(admin, now),
      { ...ticks(people.map((p) => p.id)), action: 'set-tier', tier: 'senior' },
      TEST_CATALOG,
    );
    expect(result.ok && result.value).toMatchObject({ changed: 1 });
    expect(result.ok && result.value.skipped).toEqual(
      expect.arrayContaining([
        { reason: 'no job role to set a tier in', count: 1 },
        { reason: 'already at that tier', count: 1 },
      ]),
    );
    const [changed] = await t.db.select().from(users).where(eq(users.id, people[2]!.id));
    expect(changed).toMatchObject({ jobRole: 'operations-coordinator', tier: 'senior' });
    expect(await auditRows('user.updated', [people[2]!.id])).toHaveLength(1);
  });
});

describe('deactivating', () => {
  it('asks for the ticked confirmation, never deactivates the admin acting, and ends the sessions of the others', async () => {
    const people = (await members()).filter((p) => p.active).slice(0, 2);
    const ctx = testContext(admin, now);
    const form = { ...ticks([...people.map((p) => p.id), admin.id]), action: 'deactivate' };
    expect(await bulkPeopleAction(t.db, ctx, form, TEST_CATALOG)).toMatchObject({
      ok: false,
      fieldErrors: { confirm: expect.any(String) },
    });
    await createSession(t.db, people[0]!.id, { now: () => now });
    const result = await bulkPeopleAction(t.db, ctx, { ...form, confirm: 'yes' }, TEST_CATALOG);
    expect(result.ok && result.value).toMatchObject({ changed: 2, skipped: [{ reason: 'you cannot deactivate yourself', count: 1 }] });
    const after = await t.db
      .select()
      .from(users)
      .where(
        inArray(
          users.id,
          people.map((p) => p.id),
        ),
      );
    expect(after.every((p) => !p.active)).toBe(true);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, people[0]!.id))).toHaveLength(0);
    expect(
      await auditRows(
        'user.deactivated',
        people.map((p) => p.id),
      ),
    ).toHaveLength(2);
    const again = await bulkPeopleAction(t.db, ctx, { ...form, confirm: 'yes' }, TEST_CATALOG);
    expect(again.ok && again.value.skipped).toEqual(expect.arrayContaining([{ reason: 'already deactivated', count: 2 }]));
  });
});

describe('resending invitations', () => {
  it('sends a new link to those still invited, and skips who accepted or has a password', async () => {
    const active = (await members()).filter((p) => p.active);
    const [invited, accepted, never] = active;
    const ctx = testContext(admin, now);
    await t.db.transaction(async (tx) => {
      await invitePerson(tx, ctx, invited!);
      await invitePerson(tx, ctx, accepted!);
    });
    await t.db.update(accountTokens).set({ usedAt: now }).where(eq(accountTokens.userId, accepted!.id));
    const result = await bulkPeopleAction(
      t.db,
      ctx,
      { ...ticks([invited!.id, accepted!.id, never!.id]), action: 'resend-invitation' },
      TEST_CATALOG,
    );
    expect(result.ok && result.value).toMatchObject({ changed: 1 });
    expect(result.ok && result.value.skipped).toEqual(
      expect.arrayContaining([
        { reason: 'already accepted', count: 1 },
        { reason: 'never invited (they have a password)', count: 1 },
      ]),
    );
    const links = await t.db
      .select()
      .from(accountTokens)
      .where(and(eq(accountTokens.userId, invited!.id), eq(accountTokens.purpose, 'invitation')));
    expect(links).toHaveLength(2);
    expect(links.filter((l) => l.revokedAt === null)).toHaveLength(1);
  });
});

describe('a manager, on the people of their teams', () => {
  let manager: Actor;
  let mine: (typeof users.$inferSelect)[];
  let theirs: typeof users.$inferSelect;
  let colleague: typeof users.$inferSelect;
  const ctx = () => testContext(manager, now);
  const tiersOf = async (ids: number[]) =>
    (await t.db.select().from(users).where(inArray(users.id, ids))).sort((a, b) => a.id - b.id).map((u) => u.tier);

  beforeAll(async () => {
    manager = (await findUserByEmail(t.db, 'manager@demo.opspath.test'))!;
    const orgTeams = await t.db.select().from(teams).where(eq(teams.orgId, manager.orgId));
    const warehouse = orgTeams.find((team) => team.managerUserId === manager.id)!;
    const customer = orgTeams.find((team) => team.managerUserId !== null && team.managerUserId !== manager.id)!;
    const person = async (label: string, teamId: number, role: 'member' | 'manager' = 'member') => {
      const [row] = await t.db
        .insert(users)
        .values({
          orgId: manager.orgId,
          email: `bulk-${label}@demo.opspath.test`,
          displayName: `Bulk ${label}`,
          passwordHash: 'x',
          role,
          jobRole: 'operations-coordinator',
          tier: 'junior',
        })
        .returning();
      await t.db.insert(teamMemberships).values({ teamId, userId: row!.id });
      return row!;
    };
    mine = [await person('mine-1', warehouse.id), await person('mine-2', warehouse.id), await person('mine-3', warehouse.id)];
    theirs = await person('theirs', customer.id);
    colleague = await person('colleague', warehouse.id, 'manager');
  });

  it('may change tier and deactivate, never move to a team or resend invitations (admins only)', async () => {
    expect(bulkActionsFor(manager)).toEqual(MANAGER_BULK_ACTIONS);
    const ids = mine.map((p) => p.id);
    const tiersBefore = await tiersOf(ids);
    for (const action of BULK_ACTIONS.filter((a) => !(MANAGER_BULK_ACTIONS as readonly string[]).includes(a))) {
      const refused = await bulkPeopleAction(t.db, ctx(), { ...ticks(ids), action, teamId: String(theirs.id) }, TEST_CATALOG);
      expect(refused, action).toMatchObject({ ok: false, status: 403 });
    }
    expect(await tiersOf(ids)).toEqual(tiersBefore);
    expect(await auditRows('user.teams_changed', ids)).toHaveLength(0);
    expect(await auditRows('account.invitation_sent', ids)).toHaveLength(0);
  });

  it('changes the tier of their own members; a forged id (another team, another organisation, nobody) is "not found" and untouched', async () => {
    const ids = [mine[0]!.id, mine[1]!.id, theirs.id, other.member.id, 987_654_321];
    const result = await bulkPeopleAction(t.db, ctx(), { ...ticks(ids), action: 'set-tier', tier: 'senior' }, TEST_CATALOG);
    expect(result.ok && result.value).toEqual({ action: 'set-tier', changed: 2, skipped: [{ reason: 'not found', count: 3 }] });
    expect(await tiersOf([mine[0]!.id, mine[1]!.id, theirs.id])).toEqual(['senior', 'senior', 'junior']);
    const [otherMember] = await t.db.select().from(users).where(eq(users.id, other.member.id));
    expect(otherMember!.tier).toBe('junior');
    expect(await auditRows('user.updated', [theirs.id, other.member.id])).toHaveLength(0);
    expect(await auditRows('user.updated', [mine[0]!.id, mine[1]!.id])).toHaveLength(2);
  });

  it('skips someone of their team they may not change (another manager, themselves), saying why', async () => {
    const result = await bulkPeopleAction(
      t.db,
      ctx(),
      { ...ticks([colleague.id, manager.id, mine[2]!.id]), action: 'set-tier', tier: 'senior' },
      TEST_CATALOG,
    );
    expect(result.ok && result.value).toEqual({
      action: 'set-tier',
      changed: 1,
      skipped: [{ reason: 'only an admin can change them', count: 2 }],
    });
    expect(await tiersOf([colleague.id])).toEqual(['junior']);
  });

  it('deactivates only once confirmed, never themselves nor anyone outside their teams', async () => {
    const form = { ...ticks([mine[0]!.id, manager.id, theirs.id]), action: 'deactivate' };
    expect(await bulkPeopleAction(t.db, ctx(), form, TEST_CATALOG)).toMatchObject({
      ok: false,
      fieldErrors: { confirm: expect.any(String) },
    });
    const active = async () =>
      (
        await t.db
          .select()
          .from(users)
          .where(inArray(users.id, [mine[0]!.id, manager.id, theirs.id]))
      ).filter((u) => u.active).length;
    expect(await active()).toBe(3);
    await createSession(t.db, mine[0]!.id, { now: () => now });
    const result = await bulkPeopleAction(t.db, ctx(), { ...form, confirm: 'yes' }, TEST_CATALOG);
    expect(result.ok && result.value).toMatchObject({
      changed: 1,
      skipped: expect.arrayContaining([
        { reason: 'not found', count: 1 },
        { reason: 'you cannot deactivate yourself', count: 1 },
      ]),
    });
    const [gone, self, untouched] = await Promise.all(
      [mine[0]!.id, manager.id, theirs.id].map(async (id) => (await t.db.select().from(users).where(eq(users.id, id)))[0]!),
    );
    expect([gone!.active, self!.active, untouched!.active]).toEqual([false, true, true]);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, mine[0]!.id))).toHaveLength(0);
    expect(await auditRows('user.deactivated', [theirs.id, manager.id])).toHaveLength(0);
  });
});
