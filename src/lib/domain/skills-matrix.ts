// The team skills matrix: latest ratings, cells against tier targets, coverage
// per skill, filters and sorting, and the matrix's query string. Pure: no
// Astro, no database. The server feature (src/lib/server/skills/) loads the
// records and hands them here; one person's page is skills-person.ts and the
// ratings CSV import skills-import.ts.
//
// One rule runs through the matrix: self and manager ratings are kept side by
// side and never averaged. Where one number is needed (the gap colour, the
// coverage count, sorting), the manager's rating counts when there is one,
// because it is the calibrated view; otherwise the person's own rating does.
import { z } from 'zod';
import { SKILL_CATEGORIES } from '#content/schema.ts';
import type { RatingKind } from './access.ts';
import { PROFICIENT, type Level } from './scale.ts';
import { nextTier, type Ladder, type LadderTier, type Targets } from './skills.ts';

export type SkillCategory = (typeof SKILL_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<SkillCategory, string> = {
  foundational: 'Foundational',
  technical: 'Technical skills and tools',
  soft: 'Soft and professional',
};

// --- latest ratings ---------------------------------------------------------------

export {
  MAX_NOTE_LENGTH,
  bandOf,
  cellDescription,
  cellText,
  currentLevel,
  skillMatrixCell,
  type CellRatings,
  type LatestRating,
  type SkillBand,
  type SkillMatrixCell,
} from './skill-cell.ts';
import { currentLevel, skillMatrixCell, type CellRatings, type SkillMatrixCell } from './skill-cell.ts';

export interface RatingRecord {
  id: number;
  subjectId: number;
  skillId: string;
  kind: RatingKind;
  level: Level;
  /** Milliseconds since the epoch (UTC). */
  ratedAt: number;
}

export const cellKey = (personId: number, skillId: string) => `${personId}:${skillId}`;

/** Later ratedAt wins; on the same instant the later record (higher id) does. */
const isNewer = (a: { ratedAt: number; id: number }, b: { ratedAt: number; id: number }) =>
  a.ratedAt > b.ratedAt || (a.ratedAt === b.ratedAt && a.id > b.id);

/**
 * Latest rating per person x skill x kind from any set of records (the same
 * rule the SQL query applies; this one serves small sets and tests).
 */
export function latestRatings(records: Iterable<RatingRecord>): Map<string, CellRatings> {
  const best = new Map<string, { self: RatingRecord | null; manager: RatingRecord | null }>();
  for (const r of records) {
    const key = cellKey(r.subjectId, r.skillId);
    const slot = best.get(key) ?? { self: null, manager: null };
    const current = slot[r.kind];
    if (!current || isNewer(r, current)) slot[r.kind] = r;
    best.set(key, slot);
  }
  const out = new Map<string, CellRatings>();
  for (const [key, slot] of best) {
    out.set(key, {
      self: slot.self && { level: slot.self.level, ratedAt: slot.self.ratedAt },
      manager: slot.manager && { level: slot.manager.level, ratedAt: slot.manager.ratedAt },
    });
  }
  return out;
}

// --- targets ----------------------------------------------------------------------

/** A person's tier targets, or null when their role or tier is unknown to the guides. */
export function targetsFor(ladders: readonly Ladder[], jobRole: string | null, tier: string | null): Targets | null {
  if (!jobRole || !tier) return null;
  return ladders.find((l) => l.slug === jobRole)?.tiers.find((t) => t.id === tier)?.targets ?? null;
}

export function tierOf(ladders: readonly Ladder[], jobRole: string | null, tier: string | null): LadderTier | null {
  if (!jobRole || !tier) return null;
  return ladders.find((l) => l.slug === jobRole)?.tiers.find((t) => t.id === tier) ?? null;
}

export function nextTierOf(ladders: readonly Ladder[], jobRole: string | null, tier: string | null): LadderTier | null {
  const ladder = jobRole ? ladders.find((l) => l.slug === jobRole) : undefined;
  return ladder ? nextTier(ladder.tiers, tier) : null;
}

/** The target for one skill in a tier's targets, or null when the tier sets none. */
export const targetOf = (targets: Targets | null, skillId: string): number | null =>
  targets && Object.hasOwn(targets, skillId) ? targets[skillId]! : null;

// --- cells ------------------------------------------------------------------------

// --- coverage ---------------------------------------------------------------------

export interface SkillCoverage {
  skillId: string;
  /** People whose current level is proficient (3) or above. */
  holders: number[];
  proficient: number;
  /** Exactly one person holds the skill: the team depends on them. */
  singlePointOfFailure: boolean;
}

export function coverage(
  personIds: readonly number[],
  skillIds: readonly string[],
  cells: ReadonlyMap<string, CellRatings>,
): Map<string, SkillCoverage> {
  const out = new Map<string, SkillCoverage>();
  for (const skillId of skillIds) {
    const holders = personIds.filter((p) => (currentLevel(cells.get(cellKey(p, skillId))) ?? -1) >= PROFICIENT);
    out.set(skillId, { skillId, holders, proficient: holders.length, singlePointOfFailure: holders.length === 1 });
  }
  return out;
}

/** Organisation-wide counts for one skill (from SQL: the org is too large to hold its cells). */
export interface SkillCoverageCount {
  skillId: string;
  /** Active people with a current rating of the skill. */
  rated: number;
  /** Of those, at proficient (3) or above by currentLevel's rule. */
  proficient: number;
}

export interface OrgCoverageRow {
  skill: MatrixSkill;
  rated: number;
  proficient: number;
  /** proficient / rated. */
  share: number;
}

export interface OrgCoverageSummary {
  /** Rated skills from least to best covered: by share at proficient or above, then catalog order. */
  weakest: OrgCoverageRow[];
  /** Skills of the catalog nobody has a rating for (nothing is known about them). */
  unrated: MatrixSkill[];
}

export function orgCoverageSummary(
  skills: readonly MatrixSkill[],
  counts: readonly SkillCoverageCount[],
  limit = Infinity,
): OrgCoverageSummary {
  const bySkill = new Map(counts.map((c) => [c.skillId, c]));
  const weakest: OrgCoverageRow[] = [];
  const unrated: MatrixSkill[] = [];
  for (const skill of skills) {
    const c = bySkill.get(skill.id);
    if (!c || c.rated === 0) unrated.push(skill);
    else weakest.push({ skill, rated: c.rated, proficient: c.proficient, share: c.proficient / c.rated });
  }
  weakest.sort((a, b) => a.share - b.share || a.skill.position - b.skill.position || a.skill.id.localeCompare(b.skill.id));
  return { weakest: weakest.slice(0, limit), unrated };
}

// --- the matrix -------------------------------------------------------------------

export interface SkillMatrixPerson {
  id: number;
  name: string;
  jobRole: string | null;
  tier: string | null;
}

export interface MatrixSkill {
  id: string;
  name: string;
  category: SkillCategory;
  /** Catalog order. */
  position: number;
}

export const SKILL_MATRIX_SORTS = ['name', 'gap'] as const;
export type SkillMatrixSort = (typeof SKILL_MATRIX_SORTS)[number];

export interface SkillMatrixFilters {
  category: SkillCategory | null;
  role: string | null;
  tier: string | null;
  sort: SkillMatrixSort;
}

export const NO_SKILL_FILTERS: SkillMatrixFilters = { category: null, role: null, tier: null, sort: 'name' };

export interface SkillMatrixColumn {
  skill: MatrixSkill;
  coverage: SkillCoverage;
  /** Sum of the shown people's gaps on this skill (rated and below target only). */
  totalGap: number;
}

export interface SkillMatrixRow {
  person: SkillMatrixPerson;
  /** One per column, same order. */
  cells: SkillMatrixCell[];
  /** Sum of this person's gaps over the shown skills (rated and below target only). */
  totalGap: number;
  below: number;
  unrated: number;
  /** Skills with a target for their tier among the shown ones. */
  targeted: number;
}

export interface SkillMatrixView {
  columns: SkillMatrixColumn[];
  rows: SkillMatrixRow[];
  singlePointsOfFailure: SkillMatrixColumn[];
}

export interface SkillMatrixInput {
  people: readonly SkillMatrixPerson[];
  skills: readonly MatrixSkill[];
  cells: ReadonlyMap<string, CellRatings>;
  ladders: readonly Ladder[];
}

const byName = (a: SkillMatrixPerson, b: SkillMatrixPerson) => a.name.localeCompare(b.name, 'en') || a.id - b.id;

/** People the role and tier filters keep. */
export function filterPeople<P extends SkillMatrixPerson>(people: readonly P[], filters: Pick<SkillMatrixFilters, 'role' | 'tier'>): P[] {
  return people.filter((p) => (!filters.role || p.jobRole === filters.role) && (!filters.tier || p.tier === filters.tier));
}

/** Skills the category filter keeps, in catalog order. */
export function filterSkills<S extends MatrixSkill>(skills: readonly S[], filters: Pick<SkillMatrixFilters, 'category'>): S[] {
  return skills
    .filter((s) => !filters.category || s.category === filters.category)
    .sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
}

/**
 * Builds the heatmap. Columns are the skills (of the chosen category) that
 * matter to someone shown: a target for their tier, or a rating. Sorting by
 * gap puts the people and the skills with the largest total gap first (ties:
 * more unrated targets first, then by name or catalog order).
 */
export function buildSkillMatrix(input: SkillMatrixInput, filters: SkillMatrixFilters): SkillMatrixView {
  const people = filterPeople(input.people, filters).sort(byName);
  const targets = new Map(people.map((p) => [p.id, targetsFor(input.ladders, p.jobRole, p.tier)]));
  const candidates = filterSkills(input.skills, filters);
  const skills = candidates.filter((s) =>
    people.some((p) => targetOf(targets.get(p.id)!, s.id) !== null || input.cells.has(cellKey(p.id, s.id))),
  );
  const cover = coverage(
    people.map((p) => p.id),
    skills.map((s) => s.id),
    input.cells,
  );

  const rows: SkillMatrixRow[] = people.map((person) => {
    const cells = skills.map((s) => skillMatrixCell(input.cells.get(cellKey(person.id, s.id)), targetOf(targets.get(person.id)!, s.id)));
    return {
      person,
      cells,
      totalGap: cells.reduce((sum, c) => sum + Math.max(c.gap ?? 0, 0), 0),
      below: cells.filter((c) => c.band === 'below' || c.band === 'far').length,
      unrated: cells.filter((c) => c.band === 'unrated').length,
      targeted: cells.filter((c) => c.target !== null).length,
    };
  });
  let columns: SkillMatrixColumn[] = skills.map((skill, i) => ({
    skill,
    coverage: cover.get(skill.id)!,
    totalGap: rows.reduce((sum, r) => sum + Math.max(r.cells[i]!.gap ?? 0, 0), 0),
  }));

  if (filters.sort === 'gap') {
    rows.sort((a, b) => b.totalGap - a.totalGap || b.unrated - a.unrated || byName(a.person, b.person));
    const order = columns
      .map((c, i) => ({ c, i }))
      .sort((a, b) => b.c.totalGap - a.c.totalGap || a.c.skill.position - b.c.skill.position || a.c.skill.id.localeCompare(b.c.skill.id));
    columns = order.map((o) => o.c);
    for (const row of rows) row.cells = order.map((o) => row.cells[o.i]!);
  }
  return { columns, rows, singlePointsOfFailure: columns.filter((c) => c.coverage.singlePointOfFailure) };
}

// --- query string -------------------------------------------------------------------

const optionalId = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
  .max(100);

/**
 * The matrix's GET form. Filters are forgiving: a value the form could not
 * have sent (edited by hand, or a role removed from the guides) is ignored
 * rather than answered with an error page.
 */
export function parseMatrixQuery(
  params: URLSearchParams,
  known: { roles: readonly string[]; tiers: readonly string[] },
): SkillMatrixFilters & { team: string | null } {
  const pick = <T extends string>(value: string | null, allowed: readonly T[]): T | null => {
    const parsed = optionalId.safeParse(value ?? '');
    return parsed.success && (allowed as readonly string[]).includes(parsed.data) ? (parsed.data as T) : null;
  };
  const team = params.get('team');
  return {
    team: team && /^[1-9][0-9]{0,15}$/.test(team) ? team : null,
    category: pick(params.get('category'), SKILL_CATEGORIES),
    role: pick(params.get('role'), known.roles),
    tier: pick(params.get('tier'), known.tiers),
    sort: pick(params.get('sort'), SKILL_MATRIX_SORTS) ?? 'name',
  };
}

// --- skill ids ----------------------------------------------------------------------

/** "Forklift operation (LLOP)" → "forklift-operation-llop"; the id admins' skills get. */
export function skillIdFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
}
