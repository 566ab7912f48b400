// Adding a person: a manager into a team they manage, an admin into any team
// or none. The account, its membership and an audit row for each are written
// in one transaction. By default the person is invited by email (the
// invitation written in the same transaction) and chooses their own password;
// where no mail is delivered the actor may instead set or generate one
// (returned once), which the person must replace at first sign-in.
import { canAddMemberTo, canChooseNewUserRole, canCreateUserWithoutTeam } from '#domain/access.ts';
import { parseId, type FormValues } from '#domain/fields.ts';
import type { JobRoleCatalog } from '#domain/job-roles.ts';
import { personSnapshot, writeActorAudit } from '#server/audit/index.ts';
import { hashPassword } from '#server/auth/password.ts';
import type { UserProfile } from '#server/auth/session.ts';
import type { Db } from '#server/db/client.ts';
import { invitePerson, mailIsDelivered } from '#server/account/index.ts';
import { generatePassword as randomPassword } from '#server/auth/password.ts';
import { isUniqueViolation } from '#server/db/errors.ts';
import { teamMemberships, users } from '#server/db/schema.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { getTeam, loadTeamContext } from '#server/teams/queries.ts';
import { newPersonSchema } from './forms.ts';
import { findUserByEmail, withoutHash } from './queries.ts';

export type AddedPerson = { person: UserProfile; generatedPassword: string | null; invitedUntil: Date | null };

const emailTaken = () => invalid({ email: 'Someone with this email already has an account.' }, undefined, 409);

/** Adds a person to a team (managers: their teams; admins: any team, or none). */
export async function addPerson(
  db: Db,
  ctx: ActionContext,
  form: FormValues,
  catalog: JobRoleCatalog,
  options: { mailDelivers?: boolean } = {},
): Promise<Outcome<AddedPerson>> {
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

  const mailDelivers = options.mailDelivers ?? mailIsDelivered();
  const parsed = parseInput(newPersonSchema(catalog, { mailDelivers }), form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const invited = input.passwordMode === 'invite';
  const generatedPassword = input.passwordMode === 'generate' ? randomPassword() : null;
  // An invited person's account holds a random password nobody knows until they choose theirs, so sign-in
  // spends the same argon2 time for them as for anyone. Hash outside the transaction: it takes ~20 ms and
  // the transaction holds the write lock.
  const passwordHash = await hashPassword(invited ? randomPassword() : (generatedPassword ?? input.password!));

  try {
    return await db.transaction(async (tx) => {
      if (await findUserByEmail(tx, input.email)) return emailTaken();
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
          // Someone else knows a password they set or generated: the person replaces it first thing.
          mustChangePassword: !invited,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        })
        .returning();
      const person = withoutHash(created!);
      await writeActorAudit(tx, ctx, 'user.created', { type: 'user', id: person.id }, { after: personSnapshot(person) });
      if (team) {
        await tx.insert(teamMemberships).values({ teamId: team.id, userId: person.id, createdAt: ctx.now });
        await writeActorAudit(tx, ctx, 'team.member_added', { type: 'team', id: team.id }, { after: { userId: person.id } });
      }
      const invitation = invited ? await invitePerson(tx, ctx, person) : null;
      return ok({ person, generatedPassword, invitedUntil: invitation?.expiresAt ?? null });
    });
  } catch (error) {
    // Two people adding the same email at once: the unique index decides.
    if (isUniqueViolation(error)) return emailTaken();
    throw error;
  }
}
