// Teams, the public face: the admin actions (create, rename, appoint a
// manager). Each action authorizes itself and writes its audit row in the
// same transaction as the change. The pages that list teams read them through
// the people feature (#server/people/index.ts), which shows teams with their people.
import { and, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { canAdministerOrganisation, canBeTeamManager, type Actor } from '#domain/access.ts';
import { optionalRecordId, parseId, requiredText, type FormValues } from '#domain/fields.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db, Executor, Tx } from '#server/db/client.ts';
import { isUniqueViolation } from '#server/db/errors.ts';
import { teams, users, type Team } from '#server/db/schema.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { getTeam } from './queries.ts';
import { PICKER_LIMIT, foldAscii, pickedFrom, type Picked } from '#domain/people-search.ts';
import { pickPeople, pickablePerson, type PickablePerson } from '#server/search/queries.ts';

export type { TeamSummary } from './queries.ts';

const teamName = requiredText(80, 'Enter a team name.');

/** '' means "no manager"; otherwise a user id. */
const managerField = optionalRecordId('Choose a manager from the list.');

const nameTakenRefusal = () => invalid({ name: 'A team with this name already exists.' }, undefined, 409);

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

/**
 * The check above answers in the transaction; two processes naming a team at
 * the same moment both pass it, and then the unique index decides.
 */
async function nameDecidedByIndex(change: () => Promise<Outcome<Team>>): Promise<Outcome<Team>> {
  try {
    return await change();
  } catch (error) {
    if (isUniqueViolation(error)) return nameTakenRefusal();
    throw error;
  }
}

/** Checks a proposed manager; an error message for the manager field, or null when fine. */
async function managerProblem(db: Executor, managerId: number | null, team: { orgId: number }) {
  if (managerId === null) return null;
  const [person] = await db.select().from(users).where(eq(users.id, managerId)).limit(1);
  const teamRef = { id: 0, orgId: team.orgId, managerUserId: null };
  if (!person || !canBeTeamManager(person, teamRef)) return 'Choose an active person with the manager role.';
  return null;
}

/**
 * Whom an admin may appoint as a team's manager: active people with the
 * manager role whose name or email starts with `q`, at most PICKER_LIMIT, plus
 * the chosen one (the team's manager, or a refused form's value) so the form
 * keeps it. The action checks the choice again (managerProblem).
 */
export async function managerChoices(
  db: Executor,
  actor: Actor,
  q: string | null,
  chosenId: number | null,
): Promise<Outcome<Picked<PickablePerson>>> {
  if (!canAdministerOrganisation(actor)) return forbidden();
  const rows = await pickPeople(db, actor.orgId, q === null ? null : foldAscii(q), { role: 'manager' }, PICKER_LIMIT);
  return ok(pickedFrom(q, rows, PICKER_LIMIT, await pickablePerson(db, actor.orgId, chosenId)));
}

export async function createTeam(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<Team>> {
  if (!canAdministerOrganisation(ctx.actor)) return forbidden();
  const parsed = parseInput(z.object({ name: teamName, managerUserId: managerField }), form);
  if (!parsed.ok) return parsed;
  const { name, managerUserId } = parsed.value;
  return nameDecidedByIndex(() =>
    db.transaction(async (tx) => {
      if (await nameTaken(tx, ctx.actor.orgId, name)) return nameTakenRefusal();
      const problem = await managerProblem(tx, managerUserId, { orgId: ctx.actor.orgId });
      if (problem) return invalid({ managerUserId: problem });
      const [team] = await tx
        .insert(teams)
        .values({ orgId: ctx.actor.orgId, name, managerUserId, createdAt: ctx.now, updatedAt: ctx.now })
        .returning();
      await writeActorAudit(tx, ctx, 'team.created', { type: 'team', id: team!.id }, { after: { name, managerUserId } });
      return ok(team!);
    }),
  );
}

/** Loads a team for an admin action: 404 outside the actor's organisation, 403 for non-admins. */
async function teamForAdmin(tx: Executor, ctx: ActionContext, rawId: string | undefined): Promise<Outcome<Team>> {
  const id = parseId(rawId);
  const team = id === null ? undefined : await getTeam(tx, id);
  if (!team || team.orgId !== ctx.actor.orgId) return notFound();
  if (!canAdministerOrganisation(ctx.actor)) return forbidden();
  return ok(team);
}

/** Runs an admin's edit of a team (teamForAdmin) with its parsed form, in one transaction. */
function editTeamAsAdmin<S extends z.ZodType, T>(
  db: Db,
  ctx: ActionContext,
  rawTeamId: string | undefined,
  form: FormValues,
  schema: S,
  edit: (tx: Tx, team: Team, input: z.infer<S>) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  return db.transaction(async (tx) => {
    const found = await teamForAdmin(tx, ctx, rawTeamId);
    if (!found.ok) return found;
    const parsed = parseInput(schema, form);
    return parsed.ok ? edit(tx, found.value, parsed.value) : parsed;
  });
}

export async function renameTeam(db: Db, ctx: ActionContext, rawTeamId: string | undefined, form: FormValues): Promise<Outcome<Team>> {
  return nameDecidedByIndex(() =>
    editTeamAsAdmin(db, ctx, rawTeamId, form, z.object({ name: teamName }), async (tx, team, { name }) => {
      if (name === team.name) return ok(team);
      if (await nameTaken(tx, team.orgId, name, team.id)) return nameTakenRefusal();
      const [updated] = await tx.update(teams).set({ name, updatedAt: ctx.now }).where(eq(teams.id, team.id)).returning();
      await writeActorAudit(tx, ctx, 'team.renamed', { type: 'team', id: team.id }, { before: { name: team.name }, after: { name } });
      return ok(updated!);
    }),
  );
}

export async function setTeamManager(db: Db, ctx: ActionContext, rawTeamId: string | undefined, form: FormValues): Promise<Outcome<Team>> {
  return editTeamAsAdmin(db, ctx, rawTeamId, form, z.object({ managerUserId: managerField }), async (tx, team, { managerUserId }) => {
    if (managerUserId === team.managerUserId) return ok(team);
    const problem = await managerProblem(tx, managerUserId, team);
    if (problem) return invalid({ managerUserId: problem });
    const [updated] = await tx.update(teams).set({ managerUserId, updatedAt: ctx.now }).where(eq(teams.id, team.id)).returning();
    await writeActorAudit(
      tx,
      ctx,
      'team.manager_changed',
      { type: 'team', id: team.id },
      { before: { managerUserId: team.managerUserId }, after: { managerUserId } },
    );
    return ok(updated!);
  });
}
