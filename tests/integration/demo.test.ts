import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { organisations, teamMemberships, teams, users } from '#server/db/schema.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TIME_ZONE, isDatabaseEmpty, seedDemoOrganisation } from '#server/demo/index.ts';
import { isValidPosition } from '#domain/job-roles.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { addDays, organisationToday } from '#domain/calendar.ts';
import { ROLE_SLUGS } from '#content/schema.ts';
import { createTestDatabase, signInFresh, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
const now = new Date('2026-11-22T10:00:00Z');
// The guides as they are on disk (generic tiers for any not written yet).
const content = loadCatalogsFromDisk();
const catalog = content.jobRoles;

beforeAll(async () => {
  t = await createTestDatabase('demo');
});
afterAll(() => t.cleanup());

describe('demo organisation', () => {
  it('is created on an empty database only', async () => {
    expect(await isDatabaseEmpty(t.db)).toBe(true);
    await seedDemoOrganisation(t.db, content, now);
    expect(await isDatabaseEmpty(t.db)).toBe(false);
    expect(await t.db.select().from(organisations)).toEqual([expect.objectContaining({ name: 'Demo Logistics' })]);
  });

  it('has the four documented accounts, all signing in with the demo password', async () => {
    for (const account of DEMO_ACCOUNTS) {
      const result = await signInFresh(t.db, account.email, DEMO_PASSWORD);
      expect(result.ok, account.email).toBe(true);
    }
    const roles = Object.fromEntries((await t.db.select().from(users)).map((u) => [u.email, u.role]));
    expect(roles).toMatchObject({
      'admin@demo.opspath.test': 'admin',
      'manager@demo.opspath.test': 'manager',
      'manager2@demo.opspath.test': 'manager',
      'newhire@demo.opspath.test': 'member',
    });
  });

  it('has two teams with different managers and at least eight members across all five roles, with valid tiers', async () => {
    const teamRows = await t.db.select().from(teams);
    expect(teamRows).toHaveLength(2);
    expect(new Set(teamRows.map((x) => x.managerUserId)).size).toBe(2);
    const members = await t.db.select({ user: users }).from(teamMemberships).innerJoin(users, eq(users.id, teamMemberships.userId));
    expect(members.length).toBeGreaterThanOrEqual(8);
    expect(new Set(members.map((m) => m.user.jobRole))).toEqual(new Set(ROLE_SLUGS));
    for (const { user } of members)
      expect(isValidPosition(catalog, user.jobRole!, user.tier!), `${user.email}: ${user.jobRole}/${user.tier}`).toBe(true);
    // More than one tier is represented.
    expect(new Set(members.map((m) => m.user.tier)).size).toBeGreaterThan(1);
  });

  it('has a new hire who started 20 days before today', async () => {
    const [newhire] = await t.db.select().from(users).where(eq(users.email, 'newhire@demo.opspath.test'));
    expect(newhire?.startDate).toBe(addDays(organisationToday(now, DEMO_TIME_ZONE), -20));
    expect(newhire?.startDate).toBe('2026-11-02');
  });
});
