// People, the public face: the reads behind the people pages (the team list,
// a person's page, the admin area, the dashboard) and the actions managers and
// admins take (add, edit, deactivate/reactivate, change role). Each read and
// each action loads the records it touches and applies the rules in access.ts
// itself; each action writes its audit row in the same transaction as the
// change. A refusal answers 404 when the actor may not know the person exists,
// 403 when they may see them but not do this.
import {
  canAdministerOrganisation,
  canChangeRole,
  canChooseNewUserRole,
  canCreateUserWithoutTeam,
  canEditUser,
  canOverseeTeams,
  canSetUserActive,
  canViewUser,
  type Actor,
} from '#domain/access.ts';
import { rampDayLabel, type IsoDate } from '#domain/calendar.ts';
import { parseId } from '#domain/fields.ts';
import { auditTrail } from '#server/audit/index.ts';
import { accountAccessOf, type AccountAccess } from '#server/account/index.ts';
import { parsePeopleQuery, pickerSearch, type PeopleQuery, type Picked } from '#domain/people-search.ts';
import { managerChoices } from '#server/teams/index.ts';
import type { PickablePerson } from '#server/search/queries.ts';
import { parseListQuery, type Cursor } from '#domain/paging.ts';
import type { UserProfile } from '#server/auth/session.ts';
import type { Executor } from '#server/db/client.ts';
import type { AuditEntry, Team } from '#server/db/schema.ts';
import { forbidden, notFound, ok, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { countTeams, listManageableTeams, getTeam, loadTeamContext, pageTeams, type TeamSummary } from '#server/teams/queries.ts';
import { searchPeople, type PeopleSlice } from './search.ts';
import { getPerson, listPeopleInTeams, orgCounts, teamsManagedBy, teamsOfPerson, type TeamPerson } from './queries.ts';

export { addPerson, type AddedPerson } from './add.ts';
export { changeUserRole, deactivatePerson, setPersonActive, updatePerson } from './changes.ts';
export { addToTeam, removeFromTeam } from './memberships.ts';
export {
  BULK_ACTION_LABELS,
  BULK_ACTIONS,
  BULK_LIMIT,
  bulkActionsFor,
  bulkPeopleAction,
  bulkResultQuery,
  describeBulkResult,
  isBulkResultText,
  MANAGER_BULK_ACTIONS,
  selectedIds,
  type BulkAction,
  type BulkResult,
} from './bulk.ts';
export type { TeamPerson } from './queries.ts';
export type { PeoplePageRow, PeopleSlice } from './search.ts';

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
  /** The teams the actor may add people to and filter by (an admin: every team). */
  teams: TeamSummary[];
  /** One page of the people list, as the URL's search and filters ask. */
  query: PeopleQuery;
  list: PeopleSlice;
  mayChooseRole: boolean;
  mayAddWithoutTeam: boolean;
};

/**
 * The people page: one page of the people the actor oversees (a manager: the
 * members of their teams; an admin: the organisation), searched and filtered
 * by the URL, and what the add form offers.
 */
export async function teamPage(db: Executor, ctx: ActionContext, params: URLSearchParams): Promise<Outcome<TeamPage>> {
  const { actor } = ctx;
  if (!canOverseeTeams(actor)) return forbidden();
  const query = parsePeopleQuery(params);
  return ok({
    teams: await listManageableTeams(db, actor),
    query,
    list: await searchPeople(db, actor, query),
    mayChooseRole: canChooseNewUserRole(actor),
    mayAddWithoutTeam: canCreateUserWithoutTeam(actor),
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
  /** Admins, for someone else: the account role form. */
  mayChangeRole: boolean;
  /** Those who may edit: the teams they manage, to add the person to or take them out of. */
  manageableTeams: TeamSummary[];
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
    mayChangeRole: canChangeRole(actor, person),
    manageableTeams: mayEdit ? await listManageableTeams(db, actor) : [],
    access: canAdministerOrganisation(actor) ? await accountAccessOf(db, person.id, ctx.now) : null,
    history: mayEdit ? await auditTrail(db, { type: 'user', id: person.id }, 10) : [],
  });
}

export type AdminPage = {
  /** One page of the teams, by name, those starting with `q` when searched. */
  teams: TeamSummary[];
  paging: { q: string | null; next: Cursor | null; previous: Cursor | null };
  /** The team whose manager is being changed (`?managerOf=<team id>`, or a refused change) with its picker; null when none is open. */
  managerChange: { team: Team; picker: Picked<PickablePerson> } | null;
  /** The create-a-team form's manager picker (`?newManager=<search>`). */
  newTeamManager: Picked<PickablePerson>;
};

/** A refused admin form, so its picker keeps the person it had chosen. */
type RefusedAdminForm = { intent: string; values: Readonly<Record<string, string | undefined>> } | null;

/**
 * The admin area: every team and who may manage one (people are found in the
 * people list). Managers are chosen through pickers, never a list of every
 * manager: one for the team being changed, one for a new team (decision 043).
 */
export async function adminPage(
  db: Executor,
  actor: Actor,
  params = new URLSearchParams(),
  refused: RefusedAdminForm = null,
): Promise<Outcome<AdminPage>> {
  if (!canAdministerOrganisation(actor)) return forbidden();
  const list = parseListQuery(params);
  const teams = await pageTeams(db, actor.orgId, list.q, list.page);
  const refusedChange = refused?.intent === 'set-manager' ? refused.values : null;
  const changeId = parseId(refusedChange?.teamId ?? params.get('managerOf') ?? undefined);
  const changing = changeId === null ? undefined : await getTeam(db, changeId);
  let managerChange: AdminPage['managerChange'] = null;
  if (changing && changing.orgId === actor.orgId) {
    const chosen = refusedChange ? parseId(refusedChange.managerUserId) : changing.managerUserId;
    const picker = await managerChoices(db, actor, pickerSearch(params.get('manager')), chosen);
    if (picker.ok) managerChange = { team: changing, picker: picker.value };
  }
  const refusedCreate = refused?.intent === 'create-team' ? refused.values : null;
  const newTeam = await managerChoices(
    db,
    actor,
    pickerSearch(params.get('newManager')),
    refusedCreate ? parseId(refusedCreate.managerUserId) : null,
  );
  if (!newTeam.ok) return newTeam;
  return ok({
    teams: teams.items,
    paging: { q: list.q, next: teams.next, previous: teams.previous },
    managerChange,
    newTeamManager: newTeam.value,
  });
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
