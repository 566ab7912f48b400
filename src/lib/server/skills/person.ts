// One person's skills, as "My skills" and a person's page show them: their
// ratings against their tier and the next, what to learn next, and one
// skill's history for the chart; and the dashboard's summary of the same for
// the signed-in person.
import type { Catalogs } from '#catalog/catalogs.ts';
import { canOverseeTeams, canViewUser, isAdmin, ratingKindFor, type Actor } from '#domain/access.ts';
import { parseId } from '#domain/fields.ts';
import { describePosition } from '#domain/job-roles.ts';
import type { Ladder } from '#domain/skills.ts';
import { nextTierOf, orgCoverageSummary, tierOf, type OrgCoverageSummary } from '#domain/skills-matrix.ts';
import {
  historySeries,
  latestBySkill,
  learnNext,
  personSkills,
  type HistoryPoint,
  type LearningStep,
  type PersonSkillRow,
} from '#domain/skills-person.ts';
import { certificationsCovering, promotionReadiness, type Readiness } from '#domain/frameworks.ts';
import type { Executor } from '#server/db/client.ts';
import type { LearningResource } from '#server/db/schema.ts';
import { effectiveLadders, resourcesBySkill } from '#server/frameworks/queries.ts';
import { notFound, ok, type Outcome } from '#server/outcome.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import {
  getSkillsPerson,
  listOrgSkills,
  orgSkillCoverage,
  ratingHistory,
  type HistoryEntry,
  type OrgSkill,
  type SkillsPerson,
} from './queries.ts';

// --- one person -----------------------------------------------------------------------

export type PersonSkills = {
  skills: OrgSkill[];
  rows: PersonSkillRow[];
  tierTitle: string | null;
  nextTierTitle: string | null;
  learn: LearningStep[];
  history: HistoryEntry[];
  /** Skills with at least one rating, for the history picker. */
  ratedSkills: OrgSkill[];
  chart: { skill: OrgSkill; points: HistoryPoint[]; target: number | null } | null;
  /** How many of the next tier's targets the agreed (manager) levels meet; null without a next tier. */
  readiness: (Omit<Readiness, 'unmet'> & { unmet: (Readiness['unmet'][number] & { name: string })[] }) | null;
  /** For "What to learn next": the organisation's resources and the certifications covering each skill listed there. */
  learnMore: Map<string, { resources: LearningResource[]; certifications: { id: string; name: string }[] }>;
};

type PersonCatalogs = Pick<Catalogs, 'jobRoles' | 'ladders'> & { certifications?: Pick<Catalogs['certifications'], 'catalog'> };

async function loadPersonSkills(
  db: Executor,
  person: { id: number; orgId: number; jobRole: string | null; tier: string | null },
  contentLadders: readonly Ladder[],
  certifications: Catalogs['certifications']['catalog'] | null,
  chosenSkill: string | null,
): Promise<PersonSkills> {
  const [skills, history, ladders, resources] = await Promise.all([
    listOrgSkills(db, person.orgId),
    ratingHistory(db, person.id),
    effectiveLadders(db, person.orgId, contentLadders),
    resourcesBySkill(db, person.orgId),
  ]);
  const tier = tierOf(ladders, person.jobRole, person.tier);
  const next = nextTierOf(ladders, person.jobRole, person.tier);
  const latest = latestBySkill(history);
  const rows = personSkills(skills, latest, tier?.targets ?? null, next?.targets ?? null);
  const names = new Map(skills.map((s) => [s.id, s.name]));
  const readiness = next ? promotionReadiness(next.targets, latest) : null;
  const learn = learnNext(rows);
  const learnMore = new Map(
    learn.map((step) => [
      step.skill.id,
      {
        resources: resources.get(step.skill.id) ?? [],
        certifications: certificationsCovering(certifications?.values() ?? [], step.skill.id).map((c) => ({ id: c.id, name: c.name })),
      },
    ]),
  );
  const ratedIds = new Set(history.map((h) => h.skillId));
  const ratedSkills = skills.filter((s) => ratedIds.has(s.id));
  // The chosen skill if it has history; else the rated skill with the largest gap (rows are sorted so).
  const chartSkill =
    ratedSkills.find((s) => s.id === chosenSkill) ??
    rows.map((r) => ratedSkills.find((s) => s.id === r.skill.id)).find((s) => s !== undefined) ??
    null;
  const chart = chartSkill
    ? {
        skill: chartSkill,
        points: historySeries(history.filter((h) => h.skillId === chartSkill.id)),
        target: rows.find((r) => r.skill.id === chartSkill.id)?.target ?? null,
      }
    : null;
  return {
    skills,
    rows,
    tierTitle: tier?.title ?? null,
    nextTierTitle: next?.title ?? null,
    learn,
    history,
    ratedSkills,
    chart,
    readiness: readiness && { ...readiness, unmet: readiness.unmet.map((u) => ({ ...u, name: names.get(u.skillId) ?? u.skillId })) },
    learnMore,
  };
}

export type PersonSkillsPage = PersonSkills & {
  person: Pick<SkillsPerson, 'id' | 'displayName' | 'active' | 'jobRole' | 'tier'>;
  /** Their role and tier in words. */
  position: string;
  /** Whether the actor gives this person a manager rating here (a self rating is on My skills). */
  mayRate: boolean;
  /** Whether the actor may open the team matrix (for the breadcrumbs). */
  oversees: boolean;
  /** Skills below their tier's target, and targets not rated yet. */
  below: number;
  unrated: number;
  skillNames: Map<string, string>;
};

/**
 * A person's skills page (the actor's own for My skills). 404 when the id is
 * not a number, there is no such person, or the actor may not see them.
 */
export async function personSkillsPage(
  db: Executor,
  actor: Actor,
  rawPersonId: string | number | undefined,
  catalogs: PersonCatalogs,
  chosenSkill: string | null,
): Promise<Outcome<PersonSkillsPage>> {
  const id = parseId(rawPersonId);
  const person = id === null ? undefined : await getSkillsPerson(db, id);
  if (!person) return notFound();
  const teamContext = await loadTeamContext(db, actor);
  if (!canViewUser(actor, person, teamContext)) return notFound();
  const page = await loadPersonSkills(db, person, catalogs.ladders, catalogs.certifications?.catalog ?? null, chosenSkill);
  return ok({
    ...page,
    person: { id: person.id, displayName: person.displayName, active: person.active, jobRole: person.jobRole, tier: person.tier },
    position: describePosition(catalogs.jobRoles, person.jobRole, person.tier),
    mayRate: ratingKindFor(actor, person, teamContext) === 'manager',
    oversees: canOverseeTeams(actor),
    below: page.rows.filter((r) => r.gap !== null && r.gap > 0).length,
    unrated: page.rows.filter((r) => r.band === 'unrated').length,
    skillNames: new Map(page.skills.map((s) => [s.id, s.name])),
  });
}

// --- the dashboard ----------------------------------------------------------------

export type SkillsSummary = {
  /** Their tier's title, or null when the guides set no targets for them. */
  tierTitle: string | null;
  /** Skills below their tier's target, and the one with the largest gap. */
  below: number;
  largestGap: string | null;
  /** Targets not rated yet. */
  unrated: number;
  /** Admins: the organisation's least-covered skills (five at most). */
  coverage: OrgCoverageSummary | null;
  /** How many skills the organisation uses. */
  skillCount: number;
  /** Whether the actor may open the team matrix. */
  oversees: boolean;
};

/** The dashboard card: how the signed-in person stands against their tier's targets (and, for admins, the organisation's coverage). */
export async function skillsSummary(
  db: Executor,
  actor: Actor & { jobRole: string | null; tier: string | null },
  catalogs: Pick<Catalogs, 'ladders'>,
): Promise<Outcome<SkillsSummary>> {
  const [skills, history, ladders] = await Promise.all([
    listOrgSkills(db, actor.orgId),
    ratingHistory(db, actor.id),
    effectiveLadders(db, actor.orgId, catalogs.ladders),
  ]);
  const tier = tierOf(ladders, actor.jobRole, actor.tier);
  const rows = personSkills(skills, latestBySkill(history), tier?.targets ?? null, null);
  const below = rows.filter((r) => r.gap !== null && r.gap > 0);
  const coverage = isAdmin(actor) ? orgCoverageSummary(skills, await orgSkillCoverage(db, actor.orgId), 5) : null;
  return ok({
    tierTitle: tier?.title ?? null,
    below: below.length,
    largestGap: below[0]?.skill.name ?? null,
    unrated: rows.filter((r) => r.band === 'unrated').length,
    coverage,
    skillCount: skills.length,
    oversees: canOverseeTeams(actor),
  });
}
