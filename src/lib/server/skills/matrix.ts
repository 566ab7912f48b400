// The team skills matrix: who the actor may see (admins the organisation or
// one team, managers the teams they manage), and the page built from it with
// the filters of its query string.
import type { Catalogs } from '#catalog/catalogs.ts';
import { canActAsManagerOf, canOverseeTeams, isAdmin, manageableTeams, type Actor } from '#domain/access.ts';
import { parseId } from '#domain/fields.ts';
import { findJobRole, titleFromSlug } from '#domain/job-roles.ts';
import { buildSkillMatrix, parseMatrixQuery, type SkillMatrixFilters, type SkillMatrixView } from '#domain/skills-matrix.ts';
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Executor } from '#server/db/client.ts';
import { users } from '#server/db/schema.ts';
import { forbidden, notFound, ok, type Outcome } from '#server/outcome.ts';
import { actableTeams, loadTeamContext } from '#server/teams/queries.ts';
import { parseListQuery, type Cursor, type PageRequest } from '#domain/paging.ts';
import { pageOfPeople } from '#server/search/queries.ts';
import { effectiveLadders } from '#server/frameworks/queries.ts';
import { latestCells, listOrgSkills, loadOrgMatrix, scopedPeople, type OrgMatrixData, type ScopedPerson } from './queries.ts';

export type SkillMatrixTeam = { id: number; name: string };
export type SkillMatrixScope = {
  teams: SkillMatrixTeam[];
  /** The chosen team, or null for all of the actor's teams (admins: the whole organisation). */
  team: SkillMatrixTeam | null;
  data: OrgMatrixData;
  /** The neighbouring pages of the admin's whole-organisation matrix; null where the matrix is one page (a team's, a manager's). */
  paging: { next: Cursor | null; previous: Cursor | null } | null;
};

/** How the whole-organisation matrix is searched and paged: a name prefix, the position filters, a cursor. */
export type MatrixPaging = { q: string | null; role: string | null; tier: string | null; page: PageRequest };

/**
 * The matrix for an actor: admins see the organisation (or one team),
 * managers the teams they manage (or one of them). A team id the actor does
 * not manage, or that is not a number, is "not found".
 */
export async function loadMatrixFor(
  db: Executor,
  actor: Actor,
  rawTeamId: string | null,
  paging: MatrixPaging | null = null,
): Promise<Outcome<SkillMatrixScope>> {
  if (!canOverseeTeams(actor)) return forbidden();
  const orgTeams = await actableTeams(db, actor);
  const mine = manageableTeams(actor, orgTeams).map((t) => ({ id: t.id, name: t.name }));
  let team: SkillMatrixTeam | null = null;
  if (rawTeamId !== null && rawTeamId !== '') {
    const id = parseId(rawTeamId);
    team = mine.find((t) => t.id === id) ?? null;
    if (!team) return notFound();
  }
  if (isAdmin(actor) && team === null && paging) {
    // One page of people, then only their cells: the read no longer grows with the organisation.
    const page = await pageOfPeople(
      db,
      actor.orgId,
      { q: paging.q, jobRole: paging.role, tier: paging.tier, teamId: null, excludeId: actor.id },
      paging.page,
    );
    const [orgSkills, cells] = await Promise.all([
      listOrgSkills(db, actor.orgId),
      latestCells(
        db,
        actor.orgId,
        page.items.map((p) => p.id),
      ),
    ]);
    return ok({
      teams: mine,
      team,
      data: { people: page.items, skills: orgSkills, cells },
      paging: { next: page.next, previous: page.previous },
    });
  }
  if (isAdmin(actor) && team === null) {
    // Their own row would be a self rating; that belongs on My skills.
    const data = await loadOrgMatrix(db, actor.orgId);
    return ok({ teams: mine, team, data: { ...data, people: data.people.filter((p) => p.id !== actor.id) }, paging: null });
  }
  const teamIds = team ? [team.id] : mine.map((t) => t.id);
  // A manager rates the people of their teams, not themselves (that is a self rating, on My skills).
  const people = teamIds.length ? await scopedPeople(db, actor.orgId, teamIds, actor.id) : [];
  const [orgSkills, cells] = await Promise.all([
    listOrgSkills(db, actor.orgId),
    latestCells(
      db,
      actor.orgId,
      people.map((p) => p.id),
    ),
  ]);
  return ok({ teams: mine, team, data: { people, skills: orgSkills, cells }, paging: null });
}

export type SkillMatrixQuery = SkillMatrixFilters & { team: string | null };

/** The filters a query string asks for, forgiving values the form could not have sent. */
export function matrixQueryOf(params: URLSearchParams, jobRoles: Catalogs['jobRoles']): SkillMatrixQuery {
  return parseMatrixQuery(params, { roles: jobRoles.map((r) => r.slug), tiers: tiersOf(jobRoles) });
}

const tiersOf = (jobRoles: Catalogs['jobRoles']) => [...new Set(jobRoles.flatMap((r) => r.tiers.map((t) => t.id)))];

export type SkillMatrixPage = {
  query: SkillMatrixQuery;
  teams: SkillMatrixTeam[];
  team: SkillMatrixTeam | null;
  view: SkillMatrixView;
  /** Short position label per person shown: their tier's title, else their role's. */
  positions: Map<number, string>;
  /** The skills only one person shown holds, with that person's name. */
  singlePoints: { skill: string; holder: string }[];
  /** People below a target for their tier. */
  belowCount: number;
  /** Whose matrix this is: a team's name, "Whole organisation" or "All my teams". */
  scopeLabel: string;
  /** What the team filter's "all" means for this actor. */
  allLabel: string;
  admin: boolean;
  /** People shown whom the actor sees but does not rate (a manager or an admin in a manager's team): no inline editor for them. */
  readOnly: ReadonlySet<number>;
  /** The CSV export of the same view. */
  exportHref: string;
  roles: { slug: string; title: string }[];
  tiers: string[];
  /** The name-prefix search of the whole-organisation matrix (null when none, or when the matrix is not paged). */
  q: string | null;
  /** Neighbouring pages of the whole-organisation matrix; null when the matrix is one page. */
  paging: { next: Cursor | null; previous: Cursor | null } | null;
};

/** The matrix page: the heatmap of what the actor may see, with the filters of `params`. */
export async function skillMatrixPage(
  db: Executor,
  actor: Actor,
  params: URLSearchParams,
  catalogs: Pick<Catalogs, 'jobRoles' | 'ladders'>,
): Promise<Outcome<SkillMatrixPage>> {
  const query = matrixQueryOf(params, catalogs.jobRoles);
  const list = parseListQuery(params);
  const scope = await loadMatrixFor(db, actor, query.team, { q: list.q, role: query.role, tier: query.tier, page: list.page });
  if (!scope.ok) return scope;
  const { teams, team, data, paging } = scope.value;
  // The organisation's targets in force, not the content's alone (ADR 035).
  const view = buildSkillMatrix({ ...data, ladders: await effectiveLadders(db, actor.orgId, catalogs.ladders) }, query);
  const admin = isAdmin(actor);
  const allLabel = admin ? 'Whole organisation' : 'All my teams';
  const readOnly = admin ? new Set<number>() : await notRatedBy(db, actor, data.people);
  return ok({
    query,
    teams,
    team,
    view,
    positions: positionsOf(data.people, catalogs.jobRoles),
    singlePoints: view.singlePointsOfFailure.map((c) => ({
      skill: c.skill.name,
      holder: data.people.find((p) => p.id === c.coverage.holders[0])?.name ?? 'one person',
    })),
    belowCount: view.rows.filter((r) => r.below > 0).length,
    scopeLabel: team ? team.name : allLabel,
    allLabel,
    admin,
    readOnly,
    exportHref: exportHrefOf(query, paging ? list.q : null),
    roles: catalogs.jobRoles.map((r) => ({ slug: r.slug, title: r.title })),
    tiers: tiersOf(catalogs.jobRoles),
    q: paging ? list.q : null,
    paging,
  });
}

/** Of the people shown, those the actor may not rate as their manager (canActAsManagerOf); only non-members can be. */
async function notRatedBy(db: Executor, actor: Actor, people: readonly ScopedPerson[]): Promise<Set<number>> {
  const ids = people.map((p) => p.id);
  if (ids.length === 0) return new Set();
  const others = await db
    .select({ id: users.id, orgId: users.orgId, role: users.role, active: users.active })
    .from(users)
    .where(and(eq(users.orgId, actor.orgId), ne(users.role, 'member'), inArray(users.id, ids)));
  if (others.length === 0) return new Set();
  const teamContext = await loadTeamContext(db, actor);
  return new Set(others.filter((p) => !canActAsManagerOf(actor, p, teamContext)).map((p) => p.id));
}

function positionsOf(people: readonly ScopedPerson[], jobRoles: Catalogs['jobRoles']): Map<number, string> {
  return new Map(
    people.map((p) => {
      const role = findJobRole(jobRoles, p.jobRole);
      const tier = role?.tiers.find((t) => t.id === p.tier);
      return [p.id, tier?.title ?? role?.title ?? (p.jobRole ? titleFromSlug(p.jobRole) : 'No role set')];
    }),
  );
}

function exportHrefOf(query: SkillMatrixQuery, q: string | null): string {
  const exportQuery = new URLSearchParams();
  for (const [k, v] of Object.entries({
    q,
    team: query.team,
    category: query.category,
    role: query.role,
    tier: query.tier,
    sort: query.sort,
  })) {
    if (v && !(k === 'sort' && v === 'name')) exportQuery.set(k, v);
  }
  return `/app/skills/export.csv${exportQuery.size ? `?${exportQuery}` : ''}`;
}
