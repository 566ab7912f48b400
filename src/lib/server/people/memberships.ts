// A person's teams: adding them to another team (so they may be in several)
// and taking them out of one, which together move them. Both need the right
// to edit the person and to manage the team concerned; taking someone out
// asks for a ticked confirmation, since it ends their manager's view of them.
import { and, eq } from 'drizzle-orm';
import { canEditUser, canManageTeam, canViewUser } from '#domain/access.ts';
import { parseId, type FormValues } from '#domain/fields.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { teamMemberships, teams, users } from '#server/db/schema.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import { membershipRemovalSchema } from './forms.ts';

type Change = { teamId: number; changed: boolean };

type Loaded = { person: typeof users.$inferSelect; team: typeof teams.$inferSelect };

/** The person and the team, inside the action's transaction, with the two rules applied. */
async function load(
  tx: Executor,
  ctx: ActionContext,
  rawPersonId: string | undefined,
  rawTeamId: string | undefined,
): Promise<Outcome<Loaded>> {
  const personId = parseId(rawPersonId);
  const [person] = personId === null ? [] : await tx.select().from(users).where(eq(users.id, personId)).limit(1);
  if (!person) return notFound();
  const teamContext = await loadTeamContext(tx, ctx.actor);
  if (!canViewUser(ctx.actor, person, teamContext)) return notFound();
  if (!canEditUser(ctx.actor, person, teamContext)) return forbidden();
  const teamId = parseId(rawTeamId);
  const [team] = teamId === null ? [] : await tx.select().from(teams).where(eq(teams.id, teamId)).limit(1);
  if (!team || team.orgId !== ctx.actor.orgId) return invalid({ teamId: 'Choose a team.' });
  if (!canManageTeam(ctx.actor, team)) return forbidden();
  return ok({ person, team });
}

/** Adds a person to a team; already in it is no change. */
export async function addToTeam(db: Db, ctx: ActionContext, rawPersonId: string | undefined, form: FormValues): Promise<Outcome<Change>> {
  return db.transaction(async (tx) => {
    const loaded = await load(tx, ctx, rawPersonId, form.teamId);
    if (!loaded.ok) return loaded;
    const found = loaded.value;
    const inserted = await tx
      .insert(teamMemberships)
      .values({ teamId: found.team.id, userId: found.person.id, createdAt: ctx.now })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) return ok({ teamId: found.team.id, changed: false });
    await writeActorAudit(tx, ctx, 'team.member_added', { type: 'team', id: found.team.id }, { after: { userId: found.person.id } });
    return ok({ teamId: found.team.id, changed: true });
  });
}

/** Takes a person out of a team, once the form's box is ticked; not in it is no change. */
export async function removeFromTeam(
  db: Db,
  ctx: ActionContext,
  rawPersonId: string | undefined,
  form: FormValues,
): Promise<Outcome<Change>> {
  return db.transaction(async (tx) => {
    const loaded = await load(tx, ctx, rawPersonId, form.teamId);
    if (!loaded.ok) return loaded;
    const found = loaded.value;
    const confirmed = parseInput(membershipRemovalSchema, form);
    if (!confirmed.ok) return confirmed;
    const removed = await tx
      .delete(teamMemberships)
      .where(and(eq(teamMemberships.teamId, found.team.id), eq(teamMemberships.userId, found.person.id)))
      .returning();
    if (removed.length === 0) return ok({ teamId: found.team.id, changed: false });
    await writeActorAudit(tx, ctx, 'team.member_removed', { type: 'team', id: found.team.id }, { before: { userId: found.person.id } });
    return ok({ teamId: found.team.id, changed: true });
  });
}
