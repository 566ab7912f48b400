// The pure rules in access.ts, case by case. The authorization table in
// authorization.test.ts then checks that every action applies them.
import { describe, expect, it } from 'vitest';

import {
  canActAsManagerOf,
  canOverseeTeams,
  canAddMemberTo,
  canAdministerOrganisation,
  canBeTeamManager,
  canChangeRole,
  canEditUser,
  canManageTeam,
  canSetUserActive,
  canViewUser,
  manageableTeams,
  ratingKindFor,
  type Actor,
  type TeamContext,
} from '#domain/access.ts';

const admin: Actor = { id: 1, orgId: 1, role: 'admin', active: true };
const manager: Actor = { id: 2, orgId: 1, role: 'manager', active: true };
const otherManager: Actor = { id: 3, orgId: 1, role: 'manager', active: true };
const member: Actor = { id: 4, orgId: 1, role: 'member', active: true };
const teammate: Actor = { id: 5, orgId: 1, role: 'member', active: true };
const otherTeamMember: Actor = { id: 6, orgId: 1, role: 'member', active: true };
const managerInTeam: Actor = { id: 7, orgId: 1, role: 'manager', active: true };
const foreignAdmin: Actor = { id: 90, orgId: 2, role: 'admin', active: true };
const demotedManager: Actor = { id: 8, orgId: 1, role: 'member', active: true };

const teamA = { id: 10, orgId: 1, managerUserId: manager.id };
const teamB = { id: 11, orgId: 1, managerUserId: otherManager.id };
const teamC = { id: 12, orgId: 1, managerUserId: demotedManager.id };
const ctx: TeamContext = {
  teams: [teamA, teamB, teamC],
  memberships: [
    { teamId: teamA.id, userId: member.id },
    { teamId: teamA.id, userId: teammate.id },
    { teamId: teamA.id, userId: managerInTeam.id },
    { teamId: teamB.id, userId: otherTeamMember.id },
    { teamId: teamC.id, userId: teammate.id },
  ],
};

describe('viewing and changing people', () => {
  // Seeing a person and editing their profile follow the same pattern, so one table holds both.
  it.each([
    ['admin sees anyone in the organisation', canViewUser, admin, otherTeamMember, true],
    ['admin does not see another organisation', canViewUser, foreignAdmin, member, false],
    ['manager sees a member of their team', canViewUser, manager, member, true],
    ['manager does not see another team’s member', canViewUser, manager, otherTeamMember, false],
    ['manager does not see another manager', canViewUser, manager, otherManager, false],
    ['member sees themselves', canViewUser, member, member, true],
    ['member does not see a teammate', canViewUser, member, teammate, false],
    ['a demoted manager no longer sees their old team', canViewUser, demotedManager, teammate, false],
    ['admin edits anyone in the organisation', canEditUser, admin, managerInTeam, true],
    ['manager edits a member of their team', canEditUser, manager, member, true],
    ['manager cannot edit a manager who sits in their team', canEditUser, manager, managerInTeam, false],
    ['manager cannot edit another team’s member', canEditUser, manager, otherTeamMember, false],
    ['member cannot edit their own profile fields', canEditUser, member, member, false],
    ['foreign admin cannot edit', canEditUser, foreignAdmin, member, false],
  ])('%s', (_n, rule, actor, target, expected) => {
    expect(rule(actor, target, ctx)).toBe(expected);
  });

  it('an inactive actor sees nothing, not even themselves', () => {
    expect(canViewUser({ ...admin, active: false }, member, ctx)).toBe(false);
    expect(canViewUser({ ...member, active: false }, member, ctx)).toBe(false);
  });

  it('nobody deactivates themselves; managers deactivate their members; admins anyone else', () => {
    expect(canSetUserActive(admin, admin, ctx)).toBe(false);
    expect(canSetUserActive(admin, manager, ctx)).toBe(true);
    expect(canSetUserActive(manager, member, ctx)).toBe(true);
    expect(canSetUserActive(manager, otherTeamMember, ctx)).toBe(false);
    expect(canSetUserActive(member, member, ctx)).toBe(false);
  });

  it('only admins change roles, never their own', () => {
    expect(canChangeRole(admin, member)).toBe(true);
    expect(canChangeRole(admin, admin)).toBe(false);
    expect(canChangeRole(manager, member)).toBe(false);
    expect(canChangeRole(foreignAdmin, member)).toBe(false);
  });
});

describe('teams', () => {
  it('admins manage every team of their organisation; managers only their own', () => {
    expect(canManageTeam(admin, teamB)).toBe(true);
    expect(canManageTeam(manager, teamA)).toBe(true);
    expect(canManageTeam(manager, teamB)).toBe(false);
    expect(canManageTeam(demotedManager, teamC)).toBe(false);
    expect(canManageTeam(foreignAdmin, teamA)).toBe(false);
    expect(manageableTeams(manager, ctx.teams)).toEqual([teamA]);
    expect(manageableTeams(admin, ctx.teams)).toHaveLength(3);
  });

  it('adding people, the team area and the admin area', () => {
    expect(canAddMemberTo(manager, teamA)).toBe(true);
    expect(canAddMemberTo(otherManager, teamA)).toBe(false);
    expect(canAddMemberTo(member, teamA)).toBe(false);
    expect([admin, manager, member].map(canOverseeTeams)).toEqual([true, true, false]);
    expect([admin, manager, member].map(canAdministerOrganisation)).toEqual([true, false, false]);
  });

  it('only active managers of the same organisation can be appointed', () => {
    expect(canBeTeamManager(otherManager, teamA)).toBe(true);
    expect(canBeTeamManager(member, teamA)).toBe(false);
    expect(canBeTeamManager({ ...otherManager, active: false }, teamA)).toBe(false);
    expect(canBeTeamManager({ ...otherManager, orgId: 2 }, teamA)).toBe(false);
  });
});

describe('acting as someone’s manager (manager ratings, marking reminders handled)', () => {
  // An admin who also sits in the manager's team: seen by the manager, but not theirs to act for.
  const adminInTeam: Actor = { id: 9, orgId: 1, role: 'admin', active: true };
  const withAdmin: TeamContext = { ...ctx, memberships: [...ctx.memberships, { teamId: teamA.id, userId: adminInTeam.id }] };

  it.each([
    ['a manager for a member of their team', manager, member, true],
    ['a manager for another manager who sits in their team', manager, managerInTeam, false],
    ['a manager for an admin who sits in their team', manager, adminInTeam, false],
    ['a manager for another team’s member', manager, otherTeamMember, false],
    ['a demoted manager for their old team', demotedManager, teammate, false],
    ['an admin for a manager', admin, managerInTeam, true],
    ['an admin for another admin', admin, adminInTeam, true],
    ['nobody for themselves', admin, admin, false],
    ['no admin across organisations', foreignAdmin, member, false],
  ])('%s', (_, actor, subject, expected) => {
    expect(canActAsManagerOf(actor, subject, withAdmin)).toBe(expected);
  });

  it('decides the kind of rating: managers rate only members as their manager', () => {
    expect(ratingKindFor(manager, member, withAdmin)).toBe('manager');
    expect(ratingKindFor(manager, managerInTeam, withAdmin)).toBeNull();
    expect(ratingKindFor(manager, adminInTeam, withAdmin)).toBeNull();
    expect(ratingKindFor(manager, manager, withAdmin)).toBe('self');
    expect(ratingKindFor(admin, managerInTeam, withAdmin)).toBe('manager');
  });
});
