// People, the public face: the reads behind the people pages (the team list,
// a person's page, the admin area, the dashboard) and the actions managers and
// admins take (add, edit, deactivate/reactivate, change role). Each read and
// each action loads the records it touches and applies the rules in access.ts
// itself; each action writes its audit row in the same transaction as the
// change. A refusal answers 404 when the actor may not know the person exists,
// 403 when they may see them but not do this.
import {
  canAdministerOrganisation,
  canChooseNewUserRole,
  canCreateUserWithoutTeam,
  canEditUser,
  canOverseeTeams,
  canSetUserActive,
  canViewUser,
  isAdmin,
  type Actor,
} from '#domain/access.ts';
import { rampDayLabel, type IsoDate } from '#domain/calendar.ts';
import { parseId } from '#domain/fields.ts';
import { auditTrail } from '#server/audit/index.ts';
import { accountAccessOf, openInvitations, type AccountAccess, type OpenInvitation } from '#server/account/index.ts';
import type { UserProfile } from '#server/auth/session.ts';
import type { Executor } from '#server/db/client.ts';
import type { AuditEntry } from '#server/db/schema.ts';
import { forbidden, notFound, ok, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import {
  countTeams,
  listManageableTeams,
  listManagerCandidates,
  listTeams,
  loadTeamContext,
  type TeamSummary,
} from '#server/teams/queries.ts';
import { getPerson, listOrgPeople, listPeopleInTeams, orgCounts, teamsManagedBy, teamsOfPerson, type TeamPerson } from './queries.ts';

export { addPerson, type AddedPerson } from './add.ts';
export { changeUserRole, deactivatePerson, setPersonActive, updatePerson } from './changes.ts';
export type { TeamPerson } from './queries.ts';

/** A person as a list shows them, with their ramp day ("Day 21 of 90") while they ramp up. */
export type RampingPerson = TeamPerson & { ramp: string | null };
export type TeamWithPeople = TeamSummary & { members: RampingPerson[] };
export type PersonTeam = Awaited<ReturnType<typeof teamsOfPerson>>[number];

/** The people of the given teams, by team, in the order the teams come. */
async function withMembers(db: Executor, teams: TeamSummary[], today: IsoDate): Promise<TeamWithPeople[]> {
  const people = await listPeopleInTeams(
    db,
    teams.map((t) => t.id),
  );
  const byTeam = new Map<number, RampingPerson[]>();
  for (const p of people) {
    const members = byTeam.get(p.teamId) ?? [];
    members.push({ ...p, ramp: rampDayLabel(p.startDate, today) });
    byTeam.set(p.teamId, members);
  }
  return teams.map((t) => ({ ...t, members: byTeam.get(t.id) ?? [] }));
}

export type TeamPage = {
  teams: TeamWithPeople[];
  /** People outside any team (admins only: a new manager before their team exists, say). */
  withoutTeam: UserProfile[];
  mayChooseRole: boolean;
  mayAddWithoutTeam: boolean;
  /** Admins: who was invited and has not accepted yet (pending or expired). */
  invitations: OpenInvitation[];
};

/** The people page: a manager's teams (an admin: every team) with their people, and what the add form offers. */
export async function teamPage(db: Executor, ctx: ActionContext): Promise<Outcome<TeamPage>> {
  const { actor } = ctx;
  if (!canOverseeTeams(actor)) return forbidden();
  const teams = await withMembers(db, await listManageableTeams(db, actor), ctx.today);
  const inTeam = new Set(teams.flatMap((t) => t.members.map((p) => p.id)));
  const withoutTeam = isAdmin(actor) ? (await listOrgPeople(db, actor.orgId)).filter((p) => !inTeam.has(p.id)) : [];
  return ok({
    teams,
    withoutTeam,
    mayChooseRole: canChooseNewUserRole(actor),
    mayAddWithoutTeam: canCreateUserWithoutTeam(actor),
    invitations: await openInvitations(db, actor, ctx.now),
  });
}

export type ProfilePage = {
  person: UserProfile;
  ramp: string | null;
  teams: PersonTeam[];
  /** Names of the teams the person manages. */
  manages: string[];
  mayEdit: boolean;
  maySetActive: boolean;
  /** Admins: the person's invitation, and the forms to resend, withdraw it or send a reset link. */
  access: AccountAccess | null;
  /** The newest changes to the person, for those who may edit them. */
  history: (AuditEntry & { actorName: string | null })[];
};

/** One person's page: 404 for an id the actor may not see, whatever it is. */
export async function profilePage(db: Executor, ctx: ActionContext, rawId: string | undefined): Promise<Outcome<ProfilePage>> {
  const { actor } = ctx;
  const id = parseId(rawId);
  const person = id === null ? undefined : await getPerson(db, id);
  if (!person) return notFound();
  const teamContext = await loadTeamContext(db, actor);
  if (!canViewUser(actor, person, teamContext)) return notFound();
  const mayEdit = canEditUser(actor, person, teamContext);
  return ok({
    person,
    ramp: rampDayLabel(person.startDate, ctx.today),
    teams: await teamsOfPerson(db, person.id),
    manages: await teamsManagedBy(db, person.id),
    mayEdit,
    maySetActive: canSetUserActive(actor, person, teamContext),
    access: canAdministerOrganisation(actor) ? await accountAccessOf(db, person.id, ctx.now) : null,
    history: mayEdit ? await auditTrail(db, { type: 'user', id: person.id }, 10) : [],
  });
}

export type AdminPage = {
  teams: TeamSummary[];
  /** Active people with the manager role: who may be appointed. */
  candidates: Awaited<ReturnType<typeof listManagerCandidates>>;
  people: UserProfile[];
};

/** The admin area: every team and everyone of the organisation. */
export async function adminPage(db: Executor, actor: Actor): Promise<Outcome<AdminPage>> {
  if (!canAdministerOrganisation(actor)) return forbidden();
  const teams = await listTeams(db, actor.orgId);
  const candidates = await listManagerCandidates(db, actor.orgId);
  const people = await listOrgPeople(db, actor.orgId);
  return ok({ teams, candidates, people });
}

export type Dashboard = {
  /** Admins: the organisation in numbers. */
  organisation: { counts: Awaited<ReturnType<typeof orgCounts>>; teamCount: number } | null;
  /** Managers: the teams they manage, with their people. */
  managedTeams: TeamWithPeople[] | null;
  /** Everyone: their own teams and ramp day. */
  own: { teams: PersonTeam[]; manages: string[]; ramp: string | null };
};

/** The people blocks of the dashboard, fitted to the role; everyone sees their own profile. */
export async function dashboard(db: Executor, user: UserProfile, today: IsoDate): Promise<Outcome<Dashboard>> {
  if (!canViewUser(user, user, { teams: [], memberships: [] })) return forbidden();
  const organisation = canAdministerOrganisation(user)
    ? { counts: await orgCounts(db, user.orgId), teamCount: await countTeams(db, user.orgId) }
    : null;
  const managedTeams = user.role === 'manager' ? await withMembers(db, await listManageableTeams(db, user), today) : null;
  const own = {
    teams: await teamsOfPerson(db, user.id),
    manages: await teamsManagedBy(db, user.id),
    ramp: rampDayLabel(user.startDate, today),
  };
  return ok({ organisation, managedTeams, own });
}
