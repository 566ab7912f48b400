// The people list against a real database: every person exactly once across
// pages while people are being added, the filters, prefix edges and scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Actor } from '#domain/access.ts';
import { parsePeopleQuery, type PeopleQuery } from '#domain/people-search.ts';
import { teamMemberships, users } from '#server/db/schema.ts';
import { searchPeople } from '#server/people/search.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import { actorByEmail, createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let admin: Actor;
let manager: Actor;

beforeAll(async () => {
  t = await createTestDatabase('people-search');
  await seedDemo(t.db);
  admin = await actorByEmail(t.db, 'admin@demo.opspath.test');
  manager = await actorByEmail(t.db, 'manager@demo.opspath.test');
});
afterAll(() => t.cleanup());

let added = 0;
/** A person straight into the table, in the admin's organisation (the list's rules do not depend on how they came). */
async function insertPerson(name: string, extra: Partial<typeof users.$inferInsert> = {}) {
  added += 1;
  const [row] = await t.db
    .insert(users)
    .values({
      orgId: admin.orgId,
      email: `p${added}.${Date.now()}@search.test`,
      displayName: name,
      passwordHash: 'x',
      role: 'member',
      ...extra,
    })
    .returning();
  return row!;
}

/** Every page of a query, following `next`; `between` runs after each page (to change the data mid-walk). */
async function walk(actor: Actor, query: PeopleQuery, pageSize: number, between?: (page: number) => Promise<void>) {
  const seen: number[] = [];
  let q = query;
  for (let page = 0; page < 1000; page += 1) {
    const slice = await searchPeople(t.db, actor, q, pageSize);
    seen.push(...slice.people.map((p) => p.id));
    if (!slice.next) return seen;
    await between?.(page);
    q = { ...q, after: slice.next };
  }
  throw new Error('no end');
}

const orgIds = async () => (await t.db.select({ id: users.id }).from(users).where(eq(users.orgId, admin.orgId))).map((r) => r.id);

describe('searchPeople', () => {
  it('returns every person exactly once across pages while people are added before and after the cursor', async () => {
    for (const name of ['Aaron Ash', 'Zoe Zed', 'Mara Mint', 'mara mint', 'Mara Mint']) await insertPerson(name);
    const before = new Set(await orgIds());
    const inserted: number[] = [];
    const seen = await walk(admin, parsePeopleQuery({}), 3, async (page) => {
      // One name sorts before every cursor (never shown in this walk), one after (shown once).
      inserted.push((await insertPerson(`  Aardvark ${page}`)).id, (await insertPerson(`Zzz late ${page}`)).id);
    });
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
    const lateOnes = inserted.filter((_, i) => i % 2 === 1);
    for (const id of lateOnes) expect(seen).toContain(id);
    // Ordered by the folded name, then id: equal names keep a stable order.
    const rows = await t.db.select().from(users).where(eq(users.orgId, admin.orgId));
    const byId = new Map(rows.map((r) => [r.id, r.displayName.replace(/[A-Z]/g, (c) => c.toLowerCase())]));
    const keys = seen.map((id) => [byId.get(id)!, id] as const);
    expect(keys).toEqual([...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])));
  });

  it('matches a name or an email from its start, case-insensitively for ASCII letters', async () => {
    const names = async (q: string) => (await walk(admin, parsePeopleQuery({ q }), 50)).length;
    expect(await names('MARA m')).toBe(3);
    expect(await names('ara')).toBe(0);
    const nina = (await findUserByEmail(t.db, 'newhire@demo.opspath.test'))!;
    const byEmail = await searchPeople(t.db, admin, parsePeopleQuery({ q: 'NEWHIRE@demo' }));
    expect(byEmail.people.map((p) => p.id)).toEqual([nina.id]);
    // A character beyond the last code point of a prefix is still inside the range.
    const odd = await insertPerson('Ünal Özer');
    expect((await searchPeople(t.db, admin, parsePeopleQuery({ q: 'Ün' }))).people.map((p) => p.id)).toEqual([odd.id]);
    expect((await searchPeople(t.db, admin, parsePeopleQuery({ q: '%' }))).people).toEqual([]);
  });

  it('filters by team, account role, status; a manager sees only the people of their teams', async () => {
    const [membership] = await t.db.select().from(teamMemberships).limit(1);
    const inTeam = await walk(admin, parsePeopleQuery({ team: String(membership!.teamId) }), 2);
    const members = await t.db.select().from(teamMemberships).where(eq(teamMemberships.teamId, membership!.teamId));
    expect(inTeam.sort()).toEqual(members.map((m) => m.userId).sort());
    const gone = await insertPerson('Gone Person', { active: false });
    expect(await walk(admin, parsePeopleQuery({ status: 'deactivated' }), 50)).toEqual([gone.id]);
    const admins = await walk(admin, parsePeopleQuery({ role: 'admin' }), 50);
    expect(admins).toContain(admin.id);
    const mine = await walk(manager, parsePeopleQuery({}), 50);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine).not.toContain(gone.id);
    expect(mine).not.toContain(admin.id);
    // A stale or tampered URL shows the list rather than an error.
    expect(parsePeopleQuery({ status: 'nonsense', team: 'x', after: '!!!' })).toMatchObject({ status: null, team: null, after: null });
  });
});

describe('team memberships', () => {
  it('an admin adds a person to a second team and takes them out of the first once confirmed, audited; a manager only for their teams', async () => {
    const { addToTeam, removeFromTeam } = await import('#server/people/index.ts');
    const { testContext } = await import('../support/context.ts');
    const { auditLog, teams } = await import('#server/db/schema.ts');
    const { and, desc } = await import('drizzle-orm');
    const ctxOf = (actor: Actor) => testContext(actor, new Date(), '203.0.113.9');
    const [warehouse] = await t.db.select().from(teams).where(eq(teams.name, 'Warehouse Operations'));
    const [customer] = await t.db.select().from(teams).where(eq(teams.name, 'Customer Operations'));
    const mover = await insertPerson('Mover Person');
    await t.db.insert(teamMemberships).values({ teamId: warehouse!.id, userId: mover.id, createdAt: new Date() });

    // The Warehouse manager may not put anyone into a team they do not manage.
    expect(await addToTeam(t.db, ctxOf(manager), String(mover.id), { teamId: String(customer!.id) })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await addToTeam(t.db, ctxOf(admin), String(mover.id), { teamId: '999999' })).toMatchObject({ ok: false, status: 400 });
    expect(await addToTeam(t.db, ctxOf(admin), String(mover.id), { teamId: String(customer!.id) })).toMatchObject({
      ok: true,
      value: { changed: true },
    });
    expect(await addToTeam(t.db, ctxOf(admin), String(mover.id), { teamId: String(customer!.id) })).toMatchObject({
      ok: true,
      value: { changed: false },
    });
    const both = await searchPeople(t.db, admin, parsePeopleQuery({ q: 'mover p' }));
    expect(both.people[0]!.teams).toEqual(['Customer Operations', 'Warehouse Operations']);

    // Without the tick nothing changes.
    expect(await removeFromTeam(t.db, ctxOf(admin), String(mover.id), { teamId: String(warehouse!.id) })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(await removeFromTeam(t.db, ctxOf(admin), String(mover.id), { teamId: String(warehouse!.id), confirm: 'yes' })).toMatchObject({
      ok: true,
      value: { changed: true },
    });
    const moved = await searchPeople(t.db, admin, parsePeopleQuery({ q: 'mover p' }));
    expect(moved.people[0]!.teams).toEqual(['Customer Operations']);
    // The Warehouse manager no longer sees them: 404, as for anyone outside their teams.
    expect(await addToTeam(t.db, ctxOf(manager), String(mover.id), { teamId: String(warehouse!.id) })).toMatchObject({
      ok: false,
      status: 404,
    });
    const rows = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUserId, admin.id)))
      .orderBy(desc(auditLog.id))
      .limit(2);
    expect(rows.map((r) => r.action)).toEqual(['team.member_removed', 'team.member_added']);
  });
});
