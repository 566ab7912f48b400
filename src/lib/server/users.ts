// People: queries for the pages and the actions managers and admins take
// (add, edit, deactivate/reactivate, change role). Each action loads the
// records it touches, applies the rules in access.ts itself, and writes its
// audit row in the same transaction as the change. A denied action changes
// nothing: it answers 404 when the actor may not know the person exists, 403
// when they may see them but not do this.
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { teamMemberships, teams, users, type User } from './db/schema.ts';
import type { Db, Executor } from './db/client.ts';
import {
  canAddMemberTo,
  canChangeRole,
  canChooseNewUserRole,
  canCreateUserWithoutTeam,
  canEditUser,
  canSetUserActive,
  canViewUser,
  type Actor,
  type TeamContext,
} from '#domain/access.ts';
import { changedFields, personSnapshot, writeAudit } from '#server/audit/index.ts';
import { parseInput } from './outcome.ts';
import { isValidPosition, parsePosition, type JobRoleCatalog } from '#domain/job-roles.ts';
import { generatePassword, hashPassword, passwordSchema } from '#server/auth/password.ts';
import { invalidateUserSessions, type UserProfile } from '#server/auth/session.ts';
import { getTeam, loadTeamContext } from './teams.ts';
import { USER_ROLES, type UserRole } from '#domain/access.ts';
import { type ActionContext } from '#server/request/context.ts';
import { forbidden, invalid, notFound, ok, type Outcome } from './outcome.ts';
import { parseId, type FormValues } from '#domain/fields.ts';

/** The one spelling stored and looked up: NFC, trimmed, lower-case. */
export function normaliseEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

const withoutHash = ({ passwordHash: _omit, ...person }: User): UserProfile => person;

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

/** Everyone in the given teams (one row per membership), active first, then by name. */
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

// --- form schemas ----------------------------------------------------------------

const emailField = z
  .string({ error: 'Enter an email address.' })
  .trim()
  .min(1, { error: 'Enter an email address.' })
  .max(254, { error: 'Use at most 254 characters.' })
  .pipe(z.email({ error: 'Enter an email address like name@example.com.' }))
  .transform(normaliseEmail);

const displayNameField = z
  .string({ error: 'Enter a name.' })
  .trim()
  .min(1, { error: 'Enter a name.' })
  .max(100, { error: 'Use at most 100 characters.' });

const startDateField = z
  .string({ error: 'Enter a start date.' })
  .min(1, { error: 'Enter a start date.' })
  .pipe(z.iso.date({ error: 'Enter a date as YYYY-MM-DD.' }))
  .refine((d) => d >= '1950-01-01' && d <= '2100-12-31', { error: 'Enter a realistic start date.' });

const positionField = (catalog: JobRoleCatalog) =>
  z.string({ error: 'Choose a role and tier.' }).transform((value, ctx) => {
    const position = parsePosition(value);
    if (!position || !isValidPosition(catalog, position.jobRole, position.tier)) {
      ctx.addIssue({ code: 'custom', message: 'Choose a role and tier from the list.' });
      return z.NEVER;
    }
    return position;
  });

const profileSchema = (catalog: JobRoleCatalog) =>
  z.object({ displayName: displayNameField, position: positionField(catalog), startDate: startDateField });

const newPersonSchema = (catalog: JobRoleCatalog) =>
  profileSchema(catalog)
    .extend({
      email: emailField,
      teamId: z.string().optional().default(''),
      role: z.enum(USER_ROLES, { error: 'Choose a role.' }).optional().default('member'),
      passwordMode: z.enum(['generate', 'set'], { error: 'Choose how to set the first password.' }).default('generate'),
      password: z.string().optional(),
    })
    .superRefine((v, ctx) => {
      if (v.passwordMode !== 'set') return;
      const result = passwordSchema.safeParse(v.password ?? '');
      if (!result.success) ctx.addIssue({ code: 'custom', path: ['password'], message: result.error.issues[0]!.message });
    });

// --- actions -----------------------------------------------------------------------

export type AddedPerson = { person: UserProfile; generatedPassword: string | null };

/** Adds a person to a team (managers: their teams; admins: any team, or none). */
export async function addPerson(db: Db, ctx: ActionContext, form: FormValues, catalog: JobRoleCatalog): Promise<Outcome<AddedPerson>> {
  const { actor } = ctx;
  // Authorize the team first, so a tampered team id is refused whatever else was sent.
  const teamContext = await loadTeamContext(db, actor);
  const rawTeamId = form.teamId ?? '';
  const teamId = rawTeamId === '' ? null : parseId(rawTeamId);
  if (rawTeamId !== '' && teamId === null) return notFound();
  // The context holds only the teams the actor can act through; another team of the organisation is "forbidden", not "not found".
  const team = teamId === null ? null : (teamContext.teams.find((t) => t.id === teamId) ?? (await getTeam(db, teamId)));
  if (teamId !== null && (!team || team.orgId !== actor.orgId)) return notFound();
  if (team ? !canAddMemberTo(actor, team) : !canCreateUserWithoutTeam(actor)) return forbidden();
  if (form.role && form.role !== 'member' && !canChooseNewUserRole(actor)) return forbidden();

  const parsed = parseInput(newPersonSchema(catalog), form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const generatedPassword = input.passwordMode === 'generate' ? generatePassword() : null;
  // Hash outside the transaction: it takes ~20 ms and the transaction holds the write lock.
  const passwordHash = await hashPassword(generatedPassword ?? input.password!);

  try {
    return await db.transaction(async (tx) => {
      if (await findUserByEmail(tx, input.email)) {
        return invalid({ email: 'Someone with this email already has an account.' }, undefined, 409);
      }
      const [created] = await tx
        .insert(users)
        .values({
          orgId: actor.orgId,
          email: input.email,
          displayName: input.displayName,
          passwordHash,
          role: input.role,
          jobRole: input.position.jobRole,
          tier: input.position.tier,
          startDate: input.startDate,
          active: true,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        })
        .returning();
      const person = withoutHash(created!);
      await writeAudit(tx, {
        orgId: actor.orgId,
        actorUserId: actor.id,
        action: 'user.created',
        target: { type: 'user', id: person.id },
        after: personSnapshot(person),
        ip: ctx.ip,
        at: ctx.now,
      });
      if (team) {
        await tx.insert(teamMemberships).values({ teamId: team.id, userId: person.id, createdAt: ctx.now });
        await writeAudit(tx, {
          orgId: actor.orgId,
          actorUserId: actor.id,
          action: 'team.member_added',
          target: { type: 'team', id: team.id },
          after: { userId: person.id },
          ip: ctx.ip,
          at: ctx.now,
        });
      }
      return ok({ person, generatedPassword });
    });
  } catch (error) {
    // Two people adding the same email at once: the unique index decides.
    if (String((error as { code?: string }).code ?? error).includes('SQLITE_CONSTRAINT')) {
      return invalid({ email: 'Someone with this email already has an account.' }, undefined, 409);
    }
    throw error;
  }
}

type Guard = (actor: Actor, target: User, teamContext: TeamContext) => boolean;

/**
 * Loads a person inside a transaction and applies a rule: 404 when the actor
 * may not see them (or the id is not a valid id), 403 when they may see but
 * `allowed` says no.
 */
async function personFor(tx: Executor, actor: Actor, rawId: string | undefined, allowed: Guard): Promise<Outcome<User>> {
  const id = parseId(rawId);
  if (id === null) return notFound();
  const [target] = await tx.select().from(users).where(eq(users.id, id)).limit(1);
  if (!target) return notFound();
  const teamContext = await loadTeamContext(tx, actor);
  if (!canViewUser(actor, target, teamContext)) return notFound();
  if (!allowed(actor, target, teamContext)) return forbidden();
  return ok(target);
}

/** Name, role and tier, start date. */
export async function updatePerson(
  db: Db,
  ctx: ActionContext,
  rawId: string | undefined,
  form: FormValues,
  catalog: JobRoleCatalog,
): Promise<Outcome<UserProfile>> {
  return db.transaction(async (tx) => {
    const found = await personFor(tx, ctx.actor, rawId, canEditUser);
    if (!found.ok) return found;
    const parsed = parseInput(profileSchema(catalog), form);
    if (!parsed.ok) return parsed;
    const target = found.value;
    const next = {
      displayName: parsed.value.displayName,
      jobRole: parsed.value.position.jobRole,
      tier: parsed.value.position.tier,
      startDate: parsed.value.startDate,
    };
    const diff = changedFields(
      { displayName: target.displayName, jobRole: target.jobRole, tier: target.tier, startDate: target.startDate },
      next,
    );
    if (Object.keys(diff.after).length === 0) return ok(withoutHash(target));
    const [updated] = await tx
      .update(users)
      .set({ ...next, updatedAt: ctx.now })
      .where(eq(users.id, target.id))
      .returning();
    await writeAudit(tx, {
      orgId: target.orgId,
      actorUserId: ctx.actor.id,
      action: 'user.updated',
      target: { type: 'user', id: target.id },
      ...diff,
      ip: ctx.ip,
      at: ctx.now,
    });
    return ok(withoutHash(updated!));
  });
}

/** Deactivation also ends every session of the person, in the same transaction. */
export async function setPersonActive(
  db: Db,
  ctx: ActionContext,
  rawId: string | undefined,
  active: boolean,
): Promise<Outcome<UserProfile>> {
  return db.transaction(async (tx) => {
    const found = await personFor(tx, ctx.actor, rawId, canSetUserActive);
    if (!found.ok) return found;
    const target = found.value;
    if (target.active === active) return ok(withoutHash(target));
    const [updated] = await tx.update(users).set({ active, updatedAt: ctx.now }).where(eq(users.id, target.id)).returning();
    const endedSessions = active ? 0 : await invalidateUserSessions(tx, target.id);
    await writeAudit(tx, {
      orgId: target.orgId,
      actorUserId: ctx.actor.id,
      action: active ? 'user.activated' : 'user.deactivated',
      target: { type: 'user', id: target.id },
      before: { active: target.active },
      after: { active, ...(active ? {} : { endedSessions }) },
      ip: ctx.ip,
      at: ctx.now,
    });
    return ok(withoutHash(updated!));
  });
}

/**
 * Changes a person's role (admins only) and ends their sessions, so the new
 * rights apply from their next sign-in. A demoted manager stops managing their
 * teams (each change audited), so no team points at someone without the role.
 */
export async function changeUserRole(
  db: Db,
  ctx: ActionContext,
  rawId: string | undefined,
  form: FormValues,
): Promise<Outcome<UserProfile>> {
  return db.transaction(async (tx) => {
    const found = await personFor(tx, ctx.actor, rawId, (actor, target) => canChangeRole(actor, target));
    if (!found.ok) return found;
    const parsed = parseInput(z.object({ role: z.enum(USER_ROLES, { error: 'Choose a role.' }) }), form);
    if (!parsed.ok) return parsed;
    const target = found.value;
    const role: UserRole = parsed.value.role;
    if (role === target.role) return ok(withoutHash(target));
    const [updated] = await tx.update(users).set({ role, updatedAt: ctx.now }).where(eq(users.id, target.id)).returning();
    const endedSessions = await invalidateUserSessions(tx, target.id);
    await writeAudit(tx, {
      orgId: target.orgId,
      actorUserId: ctx.actor.id,
      action: 'user.role_changed',
      target: { type: 'user', id: target.id },
      before: { role: target.role },
      after: { role, endedSessions },
      ip: ctx.ip,
      at: ctx.now,
    });
    if (role !== 'manager') {
      const managed = await tx
        .select({ id: teams.id })
        .from(teams)
        .where(and(eq(teams.managerUserId, target.id), eq(teams.orgId, target.orgId)));
      for (const team of managed) {
        await tx.update(teams).set({ managerUserId: null, updatedAt: ctx.now }).where(eq(teams.id, team.id));
        await writeAudit(tx, {
          orgId: target.orgId,
          actorUserId: ctx.actor.id,
          action: 'team.manager_changed',
          target: { type: 'team', id: team.id },
          before: { managerUserId: target.id },
          after: { managerUserId: null, reason: 'manager role removed' },
          ip: ctx.ip,
          at: ctx.now,
        });
      }
    }
    return ok(withoutHash(updated!));
  });
}
