// Changes to an existing person: their profile, deactivate/reactivate, their
// account role. Each action loads the person inside its transaction, applies
// the rule in access.ts, and writes its audit row beside the change.
import { and, eq } from 'drizzle-orm';
import { canChangeRole, canEditUser, canSetUserActive, canViewUser, type Actor, type TeamContext, type UserRole } from '#domain/access.ts';
import { parseId, type FormValues } from '#domain/fields.ts';
import type { JobRoleCatalog } from '#domain/job-roles.ts';
import { changedFields, writeActorAudit } from '#server/audit/index.ts';
import { invalidateUserSessions, type UserProfile } from '#server/auth/session.ts';
import { revokeFeedTokensOf } from '#server/certifications/index.ts';
import { revokeAccountLinksOf } from '#server/account/index.ts';
import type { Db, Executor, Tx } from '#server/db/client.ts';
import { teams, users, type User } from '#server/db/schema.ts';
import { forbidden, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import { deactivationSchema, profileSchema, roleChangeSchema } from './forms.ts';
import { withoutHash } from './queries.ts';

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

/** Runs a change to a person in one transaction, once personFor has loaded them and let the actor through. */
async function editPerson<T>(
  db: Db,
  ctx: ActionContext,
  rawId: string | undefined,
  allowed: Guard,
  edit: (tx: Tx, target: User) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  return db.transaction(async (tx) => {
    const found = await personFor(tx, ctx.actor, rawId, allowed);
    return found.ok ? edit(tx, found.value) : found;
  });
}

/** Name, role and tier, start date. */
export async function updatePerson(
  db: Db,
  ctx: ActionContext,
  rawId: string | undefined,
  form: FormValues,
  catalog: JobRoleCatalog,
): Promise<Outcome<UserProfile>> {
  return editPerson(db, ctx, rawId, canEditUser, async (tx, target) => {
    const parsed = parseInput(profileSchema(catalog), form);
    if (!parsed.ok) return parsed;
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
    // Role and tier are one choice: record both when either changes, so the history can name the position.
    if ('jobRole' in diff.after || 'tier' in diff.after) {
      Object.assign(diff.before, { jobRole: target.jobRole, tier: target.tier });
      Object.assign(diff.after, { jobRole: next.jobRole, tier: next.tier });
    }
    const [updated] = await tx
      .update(users)
      .set({ ...next, updatedAt: ctx.now })
      .where(eq(users.id, target.id))
      .returning();
    await writeActorAudit(tx, ctx, 'user.updated', { type: 'user', id: target.id }, diff);
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
  return editPerson(db, ctx, rawId, canSetUserActive, (tx, target) => applyActive(tx, ctx, target, active));
}

/**
 * Deactivation from a form: the same change as setPersonActive(…, false), once
 * the form's "I understand" box is ticked. Access is checked first, so someone
 * who may not deactivate this person learns nothing from the missing tick.
 */
export async function deactivatePerson(
  db: Db,
  ctx: ActionContext,
  rawId: string | undefined,
  form: FormValues,
): Promise<Outcome<UserProfile>> {
  return editPerson(db, ctx, rawId, canSetUserActive, async (tx, target) => {
    if (!target.active) return ok(withoutHash(target));
    const confirmed = parseInput(deactivationSchema, form);
    if (!confirmed.ok) return confirmed;
    return applyActive(tx, ctx, target, false);
  });
}

async function applyActive(tx: Tx, ctx: ActionContext, target: User, active: boolean): Promise<Outcome<UserProfile>> {
  if (target.active === active) return ok(withoutHash(target));
  const [updated] = await tx.update(users).set({ active, updatedAt: ctx.now }).where(eq(users.id, target.id)).returning();
  const endedSessions = active ? 0 : await invalidateUserSessions(tx, target.id);
  if (!active) await revokeFeedTokensOf(tx, ctx, target.id);
  // A pending invitation or reset link must not come back to life with a later reactivation.
  if (!active) await revokeAccountLinksOf(tx, target.id, ctx.now);
  await writeActorAudit(
    tx,
    ctx,
    active ? 'user.activated' : 'user.deactivated',
    { type: 'user', id: target.id },
    { before: { active: target.active }, after: { active, ...(active ? {} : { endedSessions }) } },
  );
  return ok(withoutHash(updated!));
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
  return editPerson(db, ctx, rawId, canChangeRole, async (tx, target) => {
    const parsed = parseInput(roleChangeSchema, form);
    if (!parsed.ok) return parsed;
    const role: UserRole = parsed.value.role;
    if (role === target.role) return ok(withoutHash(target));
    const [updated] = await tx.update(users).set({ role, updatedAt: ctx.now }).where(eq(users.id, target.id)).returning();
    const endedSessions = await invalidateUserSessions(tx, target.id);
    await revokeFeedTokensOf(tx, ctx, target.id);
    await writeActorAudit(
      tx,
      ctx,
      'user.role_changed',
      { type: 'user', id: target.id },
      { before: { role: target.role }, after: { role, endedSessions } },
    );
    if (role !== 'manager') {
      const managed = await tx
        .select({ id: teams.id })
        .from(teams)
        .where(and(eq(teams.managerUserId, target.id), eq(teams.orgId, target.orgId)));
      for (const team of managed) {
        await tx.update(teams).set({ managerUserId: null, updatedAt: ctx.now }).where(eq(teams.id, team.id));
        await writeActorAudit(
          tx,
          ctx,
          'team.manager_changed',
          { type: 'team', id: team.id },
          { before: { managerUserId: target.id }, after: { managerUserId: null, reason: 'manager role removed' } },
        );
      }
    }
    return ok(withoutHash(updated!));
  });
}
