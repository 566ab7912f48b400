// Authorization rules, all of them, as small pure functions with one name per
// rule. A feature's public face (src/lib/server/<feature>/index.ts) calls
// these after loading the records involved, for every read and every action;
// nothing is decided by matching URL paths (docs/decisions/: authorization in
// actions, not middleware). The rules:
// - admins see and change everything in their organisation;
// - managers see the members of the teams they manage and change those who are
//   members (not other managers or admins, even if they sit in the team);
// - everyone sees their own profile and changes their own password;
// - nobody sees across organisations.
// A manager's rights come from both the role and the team's manager_user_id:
// someone demoted to member loses them even if a team still names them.
export const USER_ROLES = ['admin', 'manager', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export type Actor = { id: number; orgId: number; role: UserRole; active: boolean };
export type Person = { id: number; orgId: number; role: UserRole; active: boolean };
export type TeamRef = { id: number; orgId: number; managerUserId: number | null };
export type Membership = { teamId: number; userId: number };

/** What the rules need to know about teams: the teams the actor can act through and the memberships involved (teams/queries.ts loadTeamContext). */
export type TeamContext = { teams: readonly TeamRef[]; memberships: readonly Membership[] };

const sameOrg = (actor: Actor, thing: { orgId: number }) => actor.active && actor.orgId === thing.orgId;

export const isAdmin = (actor: Actor) => actor.active && actor.role === 'admin';

/** Teams, team settings and everyone's roles: the admin area. */
export const canAdministerOrganisation = (actor: Actor) => isAdmin(actor);

/** Admins for any team of their organisation; managers for the teams they manage. */
export function canManageTeam(actor: Actor, team: TeamRef): boolean {
  if (!sameOrg(actor, team)) return false;
  return isAdmin(actor) || (actor.role === 'manager' && team.managerUserId === actor.id);
}

/** The teams of the context this actor manages (all of them for an admin). */
export function manageableTeams<T extends TeamRef>(actor: Actor, teams: readonly T[]): T[] {
  return teams.filter((t) => canManageTeam(actor, t));
}

/**
 * Admins and managers: who may open the team areas (people, the skills and
 * compliance matrices, the import, ramp overviews and starting plans). What
 * they then see is limited to the teams they manage (an admin: all).
 */
export const canOverseeTeams = (actor: Actor) => actor.active && (actor.role === 'admin' || actor.role === 'manager');

/** Does the actor manage a team the person belongs to? */
export function managesPerson(actor: Actor, personId: number, ctx: TeamContext): boolean {
  if (actor.role !== 'manager') return false;
  return ctx.memberships.some((m) => m.userId === personId && ctx.teams.some((t) => t.id === m.teamId && canManageTeam(actor, t)));
}

export function canViewUser(actor: Actor, target: Person, ctx: TeamContext): boolean {
  if (!sameOrg(actor, target)) return false;
  return isAdmin(actor) || actor.id === target.id || managesPerson(actor, target.id, ctx);
}

/** Profile fields a manager looks after: name, job role, tier, start date. */
export function canEditUser(actor: Actor, target: Person, ctx: TeamContext): boolean {
  if (!sameOrg(actor, target)) return false;
  if (isAdmin(actor)) return true;
  return target.role === 'member' && target.id !== actor.id && managesPerson(actor, target.id, ctx);
}

/** Deactivate or reactivate. Never oneself, so an organisation always keeps the admin who acts. */
export function canSetUserActive(actor: Actor, target: Person, ctx: TeamContext): boolean {
  return actor.id !== target.id && canEditUser(actor, target, ctx);
}

/** Only admins change roles, and not their own (the same lock-out guard). */
export function canChangeRole(actor: Actor, target: Person): boolean {
  return isAdmin(actor) && sameOrg(actor, target) && actor.id !== target.id;
}

/** Adding a person to a team: its manager or an admin. Choosing the new person's role: admins only. */
export const canAddMemberTo = (actor: Actor, team: TeamRef) => canManageTeam(actor, team);
export const canChooseNewUserRole = (actor: Actor) => isAdmin(actor);
/** Admins may create a person outside any team (for example a manager before their team exists). */
export const canCreateUserWithoutTeam = (actor: Actor) => isAdmin(actor);

/** Someone who can be named a team's manager. */
export const canBeTeamManager = (person: Person, team: TeamRef) =>
  person.active && person.orgId === team.orgId && person.role === 'manager';

/**
 * Writing as someone's manager: a manager rating, marking their certification
 * reminder handled. Admins for anyone else in their organisation; managers only
 * for members of a team they manage, never for another manager or an admin who
 * sits in that team (seeing them is allowed, acting for them is not).
 */
export function canActAsManagerOf(actor: Actor, subject: Person, ctx: TeamContext): boolean {
  if (!sameOrg(actor, subject) || actor.id === subject.id) return false;
  return isAdmin(actor) || (subject.role === 'member' && managesPerson(actor, subject.id, ctx));
}

// --- skills -------------------------------------------------------------------------

export type RatingKind = 'self' | 'manager';

/**
 * Which rating the actor gives this person: their own is a self rating; an
 * admin, or a manager of a team the person is a member in, gives a manager
 * rating (canActAsManagerOf).
 * Null when they may not rate them at all.
 */
export function ratingKindFor(actor: Actor, subject: Person, ctx: TeamContext): RatingKind | null {
  if (!sameOrg(actor, subject) || !subject.active) return null;
  if (actor.id === subject.id) return 'self';
  if (canActAsManagerOf(actor, subject, ctx)) return 'manager';
  return null;
}

// --- ramp plans ---------------------------------------------------------------------

export type PlanAccess = { view: boolean; manage: boolean };
type PlanRef = { orgId: number; userId: number };

/**
 * What the actor may do with a plan. See: the new hire, the managers of a team
 * they are in, admins, and a colleague named buddy on one of its tasks
 * (`isBuddy`). Manage (start, edit, end): whoever may edit the new hire's profile.
 */
export function planAccess(actor: Actor, plan: PlanRef, person: Person, ctx: TeamContext, isBuddy: boolean): PlanAccess {
  if (!actor.active || actor.orgId !== plan.orgId || person.id !== plan.userId) return { view: false, manage: false };
  const manage = canEditUser(actor, person, ctx);
  const view = manage || isAdmin(actor) || actor.id === plan.userId || managesPerson(actor, plan.userId, ctx) || isBuddy;
  return { view, manage };
}

/** Whether the actor may check this task off or uncheck it: its owner, or whoever manages the plan; never on an ended plan. */
export function canToggleTask(
  actor: Actor,
  plan: { userId: number; status: string },
  task: { owner: string; buddyUserId: number | null },
  access: PlanAccess,
): boolean {
  if (!access.view || plan.status !== 'active') return false;
  if (access.manage) return true;
  if (task.owner === 'new-hire') return actor.id === plan.userId;
  if (task.owner === 'buddy') return task.buddyUserId !== null && task.buddyUserId === actor.id;
  return false;
}

// --- certifications -------------------------------------------------------------------

/** One's own certification records, due reminders and calendar feed: any active person (records are kept by their holder). */
export const canKeepOwnCertifications = (actor: Actor) => actor.active;

/** Everyone active chooses which notifications they receive, for themselves only. */
export const canChooseOwnNotifications = (actor: Actor) => actor.active;
