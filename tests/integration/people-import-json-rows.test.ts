// The people import's JSON-parameter INSERTs (json-rows.ts) write the same
// rows as drizzle's `insert().values()`: each column's own conversion
// (timestamps, booleans, JSON), drizzle's default functions and the SQL
// defaults for the columns left out, RETURNING, and ON CONFLICT DO NOTHING.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import type { Actor } from '#domain/access.ts';
import { auditLog, teamMemberships, teams, users } from '#server/db/schema.ts';
import { insertRowsFromJson } from '#server/db/json-rows.ts';
import { actorByEmail, createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let admin: Actor;
beforeAll(async () => {
  t = await createTestDatabase('people-import-json-rows');
  await seedDemo(t.db);
  admin = await actorByEmail(t.db, 'admin@demo.opspath.test');
});
afterAll(() => t.cleanup());

const at = new Date('2026-11-23T10:00:00.123Z');
const person = (email: string, extra: Partial<typeof users.$inferInsert> = {}) => ({
  orgId: admin.orgId,
  email,
  displayName: 'Name "Quoted" — ünïcode',
  passwordHash: 'x',
  role: 'member' as const,
  jobRole: null,
  tier: null,
  startDate: '2026-12-01',
  active: false,
  createdAt: at,
  updatedAt: at,
  ...extra,
});

describe('insertRowsFromJson', () => {
  it('writes the rows drizzle would write, and answers RETURNING by column name', async () => {
    const returned = await t.db.transaction((tx) =>
      insertRowsFromJson<typeof users, { id: number; email: string }>(tx, users, [person('json.a@hr.test'), person('json.b@hr.test')], {
        returning: ['id', 'email'],
      }),
    );
    expect(returned.map((r) => r.email).sort()).toEqual(['json.a@hr.test', 'json.b@hr.test']);
    await t.db.insert(users).values(person('json.c@hr.test'));
    const rows = await t.db
      .select()
      .from(users)
      .where(inArray(users.email, ['json.a@hr.test', 'json.c@hr.test']))
      .orderBy(users.email);
    const [viaJson, viaDrizzle] = rows.map(({ id: _id, email: _email, ...rest }) => rest);
    expect(viaJson).toEqual(viaDrizzle);
    expect(viaJson).toMatchObject({ active: false, createdAt: at, mustChangePassword: false, notificationSettings: {} });
    expect(returned.find((r) => r.email === 'json.a@hr.test')!.id).toBe(rows[0]!.id);
  });

  it('converts JSON columns and fills drizzle default functions for columns left out', async () => {
    const before = Date.now();
    await t.db.transaction((tx) =>
      insertRowsFromJson(tx, auditLog, [
        { orgId: admin.orgId, action: 'test.json_rows', at, before: null, after: { nested: { list: [1, 'two'] }, quote: '"' }, ip: null },
      ]),
    );
    const [row] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'test.json_rows'));
    expect(row).toMatchObject({ at, before: null, after: { nested: { list: [1, 'two'] }, quote: '"' }, targetType: null });
    await t.db.transaction((tx) => insertRowsFromJson(tx, teams, [{ orgId: admin.orgId, name: 'Json Defaults' }]));
    const [team] = await t.db.select().from(teams).where(eq(teams.name, 'Json Defaults'));
    expect(team!.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(team!.managerUserId).toBeNull();
  });

  it('skips rows that break a unique constraint only when asked', async () => {
    const [team] = await t.db.insert(teams).values({ orgId: admin.orgId, name: 'Json Members' }).returning();
    const member = { teamId: team!.id, userId: admin.id, createdAt: at };
    await t.db.transaction((tx) => insertRowsFromJson(tx, teamMemberships, [member]));
    await t.db.transaction((tx) => insertRowsFromJson(tx, teamMemberships, [member, member], { ignoreConflicts: true }));
    expect(await t.db.select().from(teamMemberships).where(eq(teamMemberships.teamId, team!.id))).toHaveLength(1);
    await expect(t.db.transaction((tx) => insertRowsFromJson(tx, teamMemberships, [member]))).rejects.toThrow();
  });
});
