// Teams: queries for the pages and the admin actions (create, rename, appoint
// a manager). Each action authorizes itself and writes its audit row in the
// same transaction as the change.
import type { ActionContext } from './request/context.ts';
import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { canAdministerOrganisation, canBeTeamManager, manageableTeams, type Actor, type TeamContext } from '#domain/access.ts';
import { auditedBy, writeAudit } from '#server/audit/index.ts';
import type { Db, Executor } from './db/client.ts';
import { teamMemberships, teams, users, type Team } from './db/schema.ts';
import { parseInput } from './outcome.ts';
import { forbidden, invalid, notFound, ok, type Outcome } from './outcome.ts';
import { parseId, type FormValues } from '#domain/fields.ts';

/**
 * What the access rules need to judge this actor: the teams they can act
 * through (an admin: every team of the organisation; anyone else: the teams
 * they manage) and the memberships of the teams they manage (the only ones
 * managesPerson reads). Loading more made each request cost in proportion to
 * the organisation: 50,000 memberships, or 1,000 teams several times per page.
 */
export async function loadTeamContext(db: Executor, actor: Actor): Promise<TeamContext> {
  const teamRows = await actableTeams(db, actor);
  const managed = actor.role === 'manager' ? manageableTeams(actor, teamRows).map((t) => t.id) : [];
  const memberships = managed.length
    ? await db
        .select({ teamId: teamMemberships.teamId, userId: teamMemberships.userId })
        .from(teamMemberships)
        .where(inArray(teamMemberships.teamId, managed))
    : [];
  return { teams: teamRows, memberships };
}

/**
 * The teams an actor can act through, by name: an admin every team of the
 * organisation, anyone else the teams they manage (the access rules in
 * access.ts grant nothing through other teams). Selected in SQL: an
 * organisation has a thousand teams, a manager one or two.
 */
export function actableTeams(db: Executor, actor: Actor) {
  return db
    .select({ id: teams.id, name: teams.name, orgId: teams.orgId, managerUserId: teams.managerUserId })
    .from(teams)
    .where(actor.role === 'admin' ? eq(teams.orgId, actor.orgId) : and(eq(teams.orgId, actor.orgId), eq(teams.managerUserId, actor.id)))
    .orderBy(asc(teams.name));
}

export type TeamSummary = Team & { managerName: string | null; memberCount: number };

/** Teams of an organisation with their manager's name and how many active people they hold. */
export async function listTeams(db: Executor, orgId: number, options: { managerUserId?: number } = {}): Promise<TeamSummary[]> {
  const rows = await db
    .select({
      team: teams,
      managerName: users.displayName,
      memberCount: sql<number>`(select count(*) from ${teamMemberships} m join ${users} u on u.id = m.user_id
        where m.team_id = ${teams.id} and u.active = 1)`,
    })
    .from(teams)
    .leftJoin(users, eq(users.id, teams.managerUserId))
    .where(and(eq(teams.orgId, orgId), options.managerUserId === undefined ? undefined : eq(teams.managerUserId, options.managerUserId)))
    .orderBy(asc(sql`lower(${teams.name})`));
  return rows.map((r) => ({ ...r.team, managerName: r.managerName, memberCount: Number(r.memberCount) }));
}

/**
 * The teams the actor manages (every team for an admin), with counts. A
 * manager's list reads only their own teams: counting the members of every
 * team in a 1,000-team organisation cost each manager page 12 ms.
 */
export async function listManageableTeams(db: Executor, actor: Actor): Promise<TeamSummary[]> {
  if (actor.role === 'manager') return manageableTeams(actor, await listTeams(db, actor.orgId, { managerUserId: actor.id }));
  return manageableTeams(actor, await listTeams(db, actor.orgId));
}

export async function getTeam(db: Executor, teamId: number): Promise<Team | undefined> {
  const [team] = await db.select().from(teams).where(eq(teams.id, teamId)).limit(1);
  return team;
}

/** Active people who may be appointed team manager. */
export async function listManagerCandidates(db: Executor, orgId: number) {
  return db
    .select({ id: users.id, displayName: users.displayName, email: users.email })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.role, 'manager'), eq(users.active, true)))
    .orderBy(asc(users.displayName));
}

export async function countTeams(db: Executor, orgId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(teams).where(eq(teams.orgId, orgId));
  return row?.n ?? 0;
}

// --- actions -------------------------------------------------------------------

const teamName = z
  .string({ error: 'Enter a team name.' })
  .trim()
  .min(1, { error: 'Enter a team name.' })
  .max(80, { error: 'Use at most 80 characters.' });

/** '' means "no manager"; otherwise a user id. */
const managerField = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    const id = parseId(v);
    if (id === null) {
      ctx.addIssue({ code: 'custom', message: 'Choose a manager from the list.' });
      return z.NEVER;
    }
    return id;
  });

async function nameTaken(db: Executor, orgId: number, name: string, exceptTeamId?: number) {
  const [row] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(
      and(
        eq(teams.orgId, orgId),
        eq(sql`lower(${teams.name})`, name.toLowerCase()),
        exceptTeamId === undefined ? undefined : ne(teams.id, exceptTeamId),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** Checks a proposed manager; an error message for the manager field, or null when fine. */
async function managerProblem(db: Executor, managerId: number | null, team: { orgId: number }) {
  if (managerId === null) return null;
  const [person] = await db.select().from(users).where(eq(users.id, managerId)).limit(1);
  const teamRef = { id: 0, orgId: team.orgId, managerUserId: null };
  if (!person || !canBeTeamManager(person, teamRef)) return 'Choose an active person with the manager role.';
  return null;
}

export async function createTeam(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<Team>> {
  if (!canAdministerOrganisation(ctx.actor)) return forbidden();
  const parsed = parseInput(z.object({ name: teamName, managerUserId: managerField }), form);
  if (!parsed.ok) return parsed;
  const { name, managerUserId } = parsed.value;
  return db.transaction(async (tx) => {
    if (await nameTaken(tx, ctx.actor.orgId, name)) return invalid({ name: 'A team with this name already exists.' }, undefined, 409);
    const problem = await managerProblem(tx, managerUserId, { orgId: ctx.actor.orgId });
    if (problem) return invalid({ managerUserId: problem });
    const [team] = await tx
      .insert(teams)
      .values({ orgId: ctx.actor.orgId, name, managerUserId, createdAt: ctx.now, updatedAt: ctx.now })
      .returning();
    await writeAudit(tx, {
      ...auditedBy(ctx),
      action: 'team.created',
      target: { type: 'team', id: team!.id },
      after: { name, managerUserId },
    });
    return ok(team!);
  });
}

/** Loads a team for an admin action: 404 outside the actor's organisation, 403 for non-admins. */
async function teamForAdmin(tx: Executor, ctx: ActionContext, rawId: string | undefined): Promise<Outcome<Team>> {
  const id = parseId(rawId);
  const team = id === null ? undefined : await getTeam(tx, id);
  if (!team || team.orgId !== ctx.actor.orgId) return notFound();
  if (!canAdministerOrganisation(ctx.actor)) return forbidden();
  return ok(team);
}

export async function renameTeam(db: Db, ctx: ActionContext, rawTeamId: string | undefined, form: FormValues): Promise<Outcome<Team>> {
  return db.transaction(async (tx) => {
    const found = await teamForAdmin(tx, ctx, rawTeamId);
    if (!found.ok) return found;
    const parsed = parseInput(z.object({ name: teamName }), form);
    if (!parsed.ok) return parsed;
    const team = found.value;
    const { name } = parsed.value;
    if (name === team.name) return ok(team);
    if (await nameTaken(tx, team.orgId, name, team.id)) return invalid({ name: 'A team with this name already exists.' }, undefined, 409);
    const [updated] = await tx.update(teams).set({ name, updatedAt: ctx.now }).where(eq(teams.id, team.id)).returning();
    await writeAudit(tx, {
      orgId: team.orgId,
      actorUserId: ctx.actor.id,
      action: 'team.renamed',
      target: { type: 'team', id: team.id },
      before: { name: team.name },
      after: { name },
      ip: ctx.ip,
      at: ctx.now,
    });
    return ok(updated!);
  });
}

export async function setTeamManager(db: Db, ctx: ActionContext, rawTeamId: string | undefined, form: FormValues): Promise<Outcome<Team>> {
  return db.transaction(async (tx) => {
    const found = await teamForAdmin(tx, ctx, rawTeamId);
    if (!found.ok) return found;
    const parsed = parseInput(z.object({ managerUserId: managerField }), form);
    if (!parsed.ok) return parsed;
    const team = found.value;
    const { managerUserId } = parsed.value;
    if (managerUserId === team.managerUserId) return ok(team);
    const problem = await managerProblem(tx, managerUserId, team);
    if (problem) return invalid({ managerUserId: problem });
    const [updated] = await tx.update(teams).set({ managerUserId, updatedAt: ctx.now }).where(eq(teams.id, team.id)).returning();
    await writeAudit(tx, {
      orgId: team.orgId,
      actorUserId: ctx.actor.id,
      action: 'team.manager_changed',
      target: { type: 'team', id: team.id },
      before: { managerUserId: team.managerUserId },
      after: { managerUserId },
      ip: ctx.ip,
      at: ctx.now,
    });
    return ok(updated!);
  });
}
