// One action on a selection of people (decision 041): move to a team, change
// tier, deactivate, or resend the invitation. The form ticks `person-<id>`
// boxes (a plain form, no JavaScript); the ids are checked with zod and capped,
// each person must be someone the actor may see (an admin: their organisation;
// a manager: their teams), and the whole selection is applied in one
// transaction with one audit row per person changed. The answer counts what
// changed and what was skipped, by reason. A manager takes only the actions
// they may take on one person's page (change tier, deactivate), under the same
// rules in access.ts.
import { and, eq, inArray, ne } from 'drizzle-orm';
import { z } from 'zod';
import { canAdministerOrganisation, canEditUser, canOverseeTeams, canSetUserActive, canViewUser, type Actor } from '#domain/access.ts';
import { parseId, ticked, type FormValues } from '#domain/fields.ts';
import { findJobRole, type JobRoleCatalog } from '#domain/job-roles.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import { invalidateUserSessions } from '#server/auth/session.ts';
import { revokeFeedTokensOf } from '#server/certifications/index.ts';
import { invitePerson, revokeAccountLinksOf } from '#server/account/index.ts';
import type { Db, Tx } from '#server/db/client.ts';
import { accountTokens, teamMemberships, teams, users, type User } from '#server/db/schema.ts';
import { forbidden, invalid, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { loadTeamContext } from '#server/teams/queries.ts';

/** The most people one action takes: a page of the list is 50; this leaves room for scripts, not for the whole organisation. */
export const BULK_LIMIT = 500;

export const BULK_ACTIONS = ['move-team', 'set-tier', 'deactivate', 'resend-invitation'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export const BULK_ACTION_LABELS: Record<BulkAction, string> = {
  'move-team': 'Move to a team',
  'set-tier': 'Change tier',
  deactivate: 'Deactivate',
  'resend-invitation': 'Resend the invitation',
};

/**
 * What a manager may do to the members of their teams one at a time (updatePerson's
 * tier, deactivatePerson), so also to a selection. Moving between teams and
 * resending invitations stay with admins, as they do on the person's page.
 */
export const MANAGER_BULK_ACTIONS = ['set-tier', 'deactivate'] as const satisfies readonly BulkAction[];

/** The bulk actions this actor may take: an admin every one, a manager MANAGER_BULK_ACTIONS, anyone else none. */
export function bulkActionsFor(actor: Actor): readonly BulkAction[] {
  if (canAdministerOrganisation(actor)) return BULK_ACTIONS;
  return canOverseeTeams(actor) ? MANAGER_BULK_ACTIONS : [];
}

const PERSON_FIELD = /^person-(\d{1,15})$/;

/** The ticked people of a form: every `person-<id>` field, valid ids only, each once. */
export function selectedIds(form: FormValues): number[] {
  const ids = new Set<number>();
  for (const [key, value] of Object.entries(form)) {
    const match = PERSON_FIELD.exec(key);
    const id = match && value !== '' ? parseId(match[1]) : null;
    if (id !== null) ids.add(id);
  }
  return [...ids];
}

const bulkSchema = z.object({
  action: z.enum(BULK_ACTIONS, { error: 'Choose what to do with the people you ticked.' }),
  ids: z
    .array(z.number().int().positive())
    .min(1, { error: 'Tick at least one person.' })
    .max(BULK_LIMIT, { error: `Tick at most ${BULK_LIMIT} people at a time.` }),
  teamId: z.string().optional().default(''),
  tier: z.string().optional().default(''),
  confirm: z.string().optional(),
});

const confirmDeactivation = z.object({
  confirm: ticked('Tick the box to confirm: deactivating ends their sessions and stops them signing in.'),
});

export type BulkResult = {
  action: BulkAction;
  changed: number;
  /** People left as they were, counted by why. */
  skipped: { reason: string; count: number }[];
};

/** "12 moved, 1 skipped: already in that team". */
export function describeBulkResult(result: BulkResult): string {
  const verb = { 'move-team': 'moved', 'set-tier': 'changed', deactivate: 'deactivated', 'resend-invitation': 'invited again' }[
    result.action
  ];
  const parts = [`${result.changed} ${verb}`];
  for (const s of result.skipped) parts.push(`${s.count} skipped: ${s.reason}`);
  return parts.join(', ');
}

/** Every reason a bulk action skips someone (the answers of the steps below). */
export const BULK_SKIP_REASONS = [
  'not found',
  'you cannot deactivate yourself',
  'only an admin can change them',
  'already in that team',
  'no job role to set a tier in',
  'already at that tier',
  'their job role has no such tier',
  'already deactivated',
  'deactivated',
  'already accepted',
  'never invited (they have a password)',
] as const;

/**
 * Whether a result text read from the address is one describeBulkResult could
 * have written. The page shows nothing else, so a crafted link cannot put its
 * own words into an admin's "Done" notice.
 */
export function isBulkResultText(text: string): boolean {
  const [head, ...rest] = text.split(', ');
  if (!/^\d{1,6} (moved|changed|deactivated|invited again)$/.test(head ?? '')) return false;
  return rest.every((part) => {
    const m = /^\d{1,6} skipped: (.+)$/.exec(part);
    return m !== null && (BULK_SKIP_REASONS as readonly string[]).includes(m[1]!);
  });
}

/** A bulk action's answer as a short query string, so the redirected page can say it. */
export const bulkResultQuery = (result: BulkResult) => new URLSearchParams({ done: 'bulk', result: describeBulkResult(result) }).toString();

export async function bulkPeopleAction(
  db: Db,
  ctx: ActionContext,
  form: FormValues,
  catalog: JobRoleCatalog,
): Promise<Outcome<BulkResult>> {
  const allowed = bulkActionsFor(ctx.actor);
  if (allowed.length === 0) return forbidden();
  const parsed = parseInput(bulkSchema, { ...form, ids: selectedIds(form) });
  if (!parsed.ok) return parsed;
  const { action, ids } = parsed.value;
  if (!allowed.includes(action)) return forbidden();
  if (action === 'deactivate') {
    const confirmed = parseInput(confirmDeactivation, form);
    if (!confirmed.ok) return confirmed;
  }
  if (action === 'set-tier' && !catalog.some((r) => r.tiers.some((t) => t.id === parsed.value.tier))) {
    return invalid({ tier: 'Choose a tier from the list.' });
  }
  return db.transaction(async (tx): Promise<Outcome<BulkResult>> => {
    // Only people the actor may see are found (canViewUser, as on a person's page): an id of another
    // organisation, or of someone outside a manager's teams, counts as "not found", whatever it is.
    const teamContext = await loadTeamContext(tx, ctx.actor);
    const people = (
      await tx
        .select()
        .from(users)
        .where(and(inArray(users.id, ids), eq(users.orgId, ctx.actor.orgId)))
    ).filter((person) => canViewUser(ctx.actor, person, teamContext));
    const skipped = new Map<string, number>();
    const skip = (reason: (typeof BULK_SKIP_REASONS)[number]) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    for (let i = people.length; i < ids.length; i++) skip('not found');
    let team: typeof teams.$inferSelect | undefined;
    if (action === 'move-team') {
      const teamId = parseId(parsed.value.teamId);
      [team] =
        teamId === null
          ? []
          : await tx
              .select()
              .from(teams)
              .where(and(eq(teams.id, teamId), eq(teams.orgId, ctx.actor.orgId)));
      if (!team) return invalid({ teamId: 'Choose a team.' });
    }
    // Someone a manager sees but may not change (a manager or admin in their team, themselves) is skipped, with why.
    const refused = (person: User): Skip =>
      person.id === ctx.actor.id && action === 'deactivate' ? 'you cannot deactivate yourself' : 'only an admin can change them';
    let changed = 0;
    for (const person of people.sort((a, b) => a.id - b.id)) {
      const reason =
        action === 'move-team'
          ? await moveToTeam(tx, ctx, person, team!)
          : action === 'set-tier'
            ? canEditUser(ctx.actor, person, teamContext)
              ? await setTier(tx, ctx, person, parsed.value.tier, catalog)
              : refused(person)
            : action === 'deactivate'
              ? canSetUserActive(ctx.actor, person, teamContext)
                ? await deactivate(tx, ctx, person)
                : refused(person)
              : await resendInvitation(tx, ctx, person);
      if (reason === null) changed++;
      else skip(reason);
    }
    return ok({ action, changed, skipped: [...skipped].map(([reason, count]) => ({ reason, count })) });
  });
}

type Skip = (typeof BULK_SKIP_REASONS)[number] | null;

/** Into the team and out of every other one: one audit row naming where they were. */
async function moveToTeam(tx: Tx, ctx: ActionContext, person: User, team: typeof teams.$inferSelect): Promise<Skip> {
  const current = await tx.select({ teamId: teamMemberships.teamId }).from(teamMemberships).where(eq(teamMemberships.userId, person.id));
  const from = current.map((m) => m.teamId).sort((a, b) => a - b);
  if (from.length === 1 && from[0] === team.id) return 'already in that team';
  await tx.delete(teamMemberships).where(and(eq(teamMemberships.userId, person.id), ne(teamMemberships.teamId, team.id)));
  await tx.insert(teamMemberships).values({ teamId: team.id, userId: person.id, createdAt: ctx.now }).onConflictDoNothing();
  await writeActorAudit(
    tx,
    ctx,
    'user.teams_changed',
    { type: 'user', id: person.id },
    { before: { teamIds: from }, after: { teamIds: [team.id], teamName: team.name, bulk: true } },
  );
  return null;
}

/** The same tier in the person's own job role, audited as a profile change (role and tier together, as updatePerson does). */
async function setTier(tx: Tx, ctx: ActionContext, person: User, tier: string, catalog: JobRoleCatalog): Promise<Skip> {
  if (!person.jobRole) return 'no job role to set a tier in';
  if (person.tier === tier) return 'already at that tier';
  if (!findJobRole(catalog, person.jobRole)?.tiers.some((t) => t.id === tier)) return 'their job role has no such tier';
  await tx.update(users).set({ tier, updatedAt: ctx.now }).where(eq(users.id, person.id));
  await writeActorAudit(
    tx,
    ctx,
    'user.updated',
    { type: 'user', id: person.id },
    { before: { jobRole: person.jobRole, tier: person.tier }, after: { jobRole: person.jobRole, tier, bulk: true } },
  );
  return null;
}

/** As setPersonActive(…, false): sessions, feed addresses and pending links end with the account. */
async function deactivate(tx: Tx, ctx: ActionContext, person: User): Promise<Skip> {
  if (!person.active) return 'already deactivated';
  await tx.update(users).set({ active: false, updatedAt: ctx.now }).where(eq(users.id, person.id));
  const endedSessions = await invalidateUserSessions(tx, person.id);
  await revokeFeedTokensOf(tx, ctx, person.id);
  await revokeAccountLinksOf(tx, person.id, ctx.now);
  await writeActorAudit(
    tx,
    ctx,
    'user.deactivated',
    { type: 'user', id: person.id },
    { before: { active: true }, after: { active: false, endedSessions, bulk: true } },
  );
  return null;
}

/** A new invitation (the old link stops working) for someone active who never accepted one. */
async function resendInvitation(tx: Tx, ctx: ActionContext, person: User): Promise<Skip> {
  if (!person.active) return 'deactivated';
  // Someone who chose a password through any link is in (as openInvitations counts them).
  const links = await tx
    .select({ purpose: accountTokens.purpose, usedAt: accountTokens.usedAt })
    .from(accountTokens)
    .where(and(eq(accountTokens.userId, person.id), inArray(accountTokens.purpose, ['invitation', 'password-reset'])));
  if (links.some((l) => l.usedAt !== null)) return 'already accepted';
  if (!links.some((l) => l.purpose === 'invitation')) return 'never invited (they have a password)';
  await invitePerson(tx, ctx, person, { resent: true });
  return null;
}
