// People: unchecked reads (by id, by email, by team, by organisation) for the
// feature's own modules, other features' server code, the CLI, the seed and
// tests. Pages read through the public face (index.ts), which checks access.
import { asc, count, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { normaliseEmail } from '#domain/fields.ts';
import type { UserProfile } from '#server/auth/session.ts';
import type { Executor } from '#server/db/client.ts';
import { teamMemberships, teams, users, type User } from '#server/db/schema.ts';

/** A person as pages and actions pass them around: never with the password hash. */
export const withoutHash = ({ passwordHash: _omit, ...person }: User): UserProfile => person;

export async function findUserByEmail(db: Executor, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
    .limit(1);
  return user;
}

export async function getPerson(db: Executor, id: number): Promise<UserProfile | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user ? withoutHash(user) : undefined;
}

export type TeamPerson = UserProfile & { teamId: number };

/** Everyone in the given teams (one row per membership), by team, then by name. */
export async function listPeopleInTeams(db: Executor, teamIds: number[]): Promise<TeamPerson[]> {
  if (teamIds.length === 0) return [];
  const rows = await db
    .select({ user: users, teamId: teamMemberships.teamId })
    .from(teamMemberships)
    .innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(inArray(teamMemberships.teamId, teamIds))
    .orderBy(asc(teamMemberships.teamId), asc(users.displayName));
  return rows.map((r) => ({ ...withoutHash(r.user), teamId: r.teamId }));
}

export async function listOrgPeople(db: Executor, orgId: number): Promise<UserProfile[]> {
  const rows = await db.select().from(users).where(eq(users.orgId, orgId)).orderBy(asc(users.displayName));
  return rows.map(withoutHash);
}

/** The teams a person belongs to, with each team's manager. */
/** The names of the teams a person manages (a manager usually belongs to none of them). */
export async function teamsManagedBy(db: Executor, userId: number): Promise<string[]> {
  const rows = await db.select({ name: teams.name }).from(teams).where(eq(teams.managerUserId, userId)).orderBy(asc(teams.name));
  return rows.map((r) => r.name);
}

export async function teamsOfPerson(db: Executor, userId: number) {
  const manager = alias(users, 'manager');
  return db
    .select({ id: teams.id, name: teams.name, managerUserId: teams.managerUserId, managerName: manager.displayName })
    .from(teamMemberships)
    .innerJoin(teams, eq(teams.id, teamMemberships.teamId))
    .leftJoin(manager, eq(manager.id, teams.managerUserId))
    .where(eq(teamMemberships.userId, userId))
    .orderBy(asc(teams.name));
}

export async function orgCounts(db: Executor, orgId: number) {
  const rows = await db
    .select({ role: users.role, active: users.active, n: count() })
    .from(users)
    .where(eq(users.orgId, orgId))
    .groupBy(users.role, users.active);
  const counts = { activePeople: 0, inactivePeople: 0, admins: 0, managers: 0, members: 0 };
  for (const r of rows) {
    if (!r.active) {
      counts.inactivePeople += r.n;
      continue;
    }
    counts.activePeople += r.n;
    if (r.role === 'admin') counts.admins += r.n;
    if (r.role === 'manager') counts.managers += r.n;
    if (r.role === 'member') counts.members += r.n;
  }
  return counts;
}
