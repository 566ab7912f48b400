// The team skills matrix: latest ratings, cells against tier targets, coverage
// per skill, filters and sorting, a person's history, and the rules of the
// ratings CSV import. Pure: no Astro, no database. The server module
// (src/lib/server/skills.ts) loads the records and hands them here.
//
// One rule runs through the matrix: self and manager ratings are kept side by
// side and never averaged. Where one number is needed (the gap colour, the
// coverage count, sorting), the manager's rating counts when there is one,
// because it is the calibrated view; otherwise the person's own rating does.
import { z } from 'zod';
import { SKILL_CATEGORIES } from '#content/schema.ts';
import { LEVELS, PROFICIENT, type Level } from './scale.ts';
import { gap, nextTier, type Gap, type Ladder, type LadderTier, type Targets } from './skills.ts';
import type { CsvProblem, CsvRecord } from './csv.ts';

export type SkillCategory = (typeof SKILL_CATEGORIES)[number];
export type RatingKind = 'self' | 'manager';

export const CATEGORY_LABELS: Record<SkillCategory, string> = {
  foundational: 'Foundational',
  technical: 'Technical skills and tools',
  soft: 'Soft and professional',
};

// --- latest ratings ---------------------------------------------------------------

export interface RatingRecord {
  id: number;
  subjectId: number;
  skillId: string;
  kind: RatingKind;
  level: Level;
  /** Milliseconds since the epoch (UTC). */
  ratedAt: number;
}

export interface LatestRating {
  level: Level;
  ratedAt: number;
}

/** The latest self and manager rating of one person for one skill. */
export interface CellRatings {
  self: LatestRating | null;
  manager: LatestRating | null;
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

/** The one level gaps and coverage use: the manager's when there is one, else the person's own. */
export function currentLevel(cell: CellRatings | null | undefined): Level | null {
  return cell?.manager?.level ?? cell?.self?.level ?? null;
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

const targetOf = (targets: Targets | null, skillId: string): number | null =>
  targets && Object.hasOwn(targets, skillId) ? targets[skillId]! : null;

// --- cells ------------------------------------------------------------------------

/**
 * How a cell is coloured: no target for this person's tier; a target but no
 * rating yet; at or above target; one level below; two or more below.
 */
export type Band = 'none' | 'unrated' | 'met' | 'below' | 'far';

export interface MatrixCell {
  self: Level | null;
  manager: Level | null;
  target: number | null;
  /** target − current level; null without a target or a rating. */
  gap: number | null;
  band: Band;
}

export function bandOf(target: number | null, level: Level | null): Band {
  if (target === null) return 'none';
  if (level === null) return 'unrated';
  const g = target - level;
  return g <= 0 ? 'met' : g === 1 ? 'below' : 'far';
}

export function matrixCell(ratings: CellRatings | null | undefined, target: number | null): MatrixCell {
  const level = currentLevel(ratings);
  const g: Gap | null = target === null ? null : gap(target, level);
  return {
    self: ratings?.self?.level ?? null,
    manager: ratings?.manager?.level ?? null,
    target,
    gap: g && !g.unrated ? g.gap : null,
    band: bandOf(target, level),
  };
}

/** Compact cell text: "S2 M3 T3" (self, manager, target; "–" where there is none). */
export function cellText(cell: Pick<MatrixCell, 'self' | 'manager' | 'target'>): string {
  const v = (n: number | null) => (n === null ? '–' : String(n));
  return `S${v(cell.self)} M${v(cell.manager)} T${v(cell.target)}`;
}

/** The same cell in words, for assistive technology and tooltips. */
export function cellDescription(cell: Pick<MatrixCell, 'self' | 'manager' | 'target'>): string {
  const v = (n: number | null) => (n === null ? 'not rated' : `${n} ${LEVELS[n]?.label.toLowerCase() ?? ''}`.trim());
  return `Self ${v(cell.self)}, manager ${v(cell.manager)}, target ${cell.target === null ? 'none' : cell.target}`;
}

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

export interface MatrixPerson {
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

export const SORTS = ['name', 'gap'] as const;
export type MatrixSort = (typeof SORTS)[number];

export interface MatrixFilters {
  category: SkillCategory | null;
  role: string | null;
  tier: string | null;
  sort: MatrixSort;
}

export const NO_FILTERS: MatrixFilters = { category: null, role: null, tier: null, sort: 'name' };

export interface MatrixColumn {
  skill: MatrixSkill;
  coverage: SkillCoverage;
  /** Sum of the shown people's gaps on this skill (rated and below target only). */
  totalGap: number;
}

export interface MatrixRow {
  person: MatrixPerson;
  /** One per column, same order. */
  cells: MatrixCell[];
  /** Sum of this person's gaps over the shown skills (rated and below target only). */
  totalGap: number;
  below: number;
  unrated: number;
  /** Skills with a target for their tier among the shown ones. */
  targeted: number;
}

export interface MatrixView {
  columns: MatrixColumn[];
  rows: MatrixRow[];
  singlePointsOfFailure: MatrixColumn[];
}

export interface MatrixInput {
  people: readonly MatrixPerson[];
  skills: readonly MatrixSkill[];
  cells: ReadonlyMap<string, CellRatings>;
  ladders: readonly Ladder[];
}

const byName = (a: MatrixPerson, b: MatrixPerson) => a.name.localeCompare(b.name, 'en') || a.id - b.id;

/** People the role and tier filters keep. */
export function filterPeople<P extends MatrixPerson>(people: readonly P[], filters: Pick<MatrixFilters, 'role' | 'tier'>): P[] {
  return people.filter((p) => (!filters.role || p.jobRole === filters.role) && (!filters.tier || p.tier === filters.tier));
}

/** Skills the category filter keeps, in catalog order. */
export function filterSkills<S extends MatrixSkill>(skills: readonly S[], filters: Pick<MatrixFilters, 'category'>): S[] {
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
export function buildMatrix(input: MatrixInput, filters: MatrixFilters): MatrixView {
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

  const rows: MatrixRow[] = people.map((person) => {
    const cells = skills.map((s) => matrixCell(input.cells.get(cellKey(person.id, s.id)), targetOf(targets.get(person.id)!, s.id)));
    return {
      person,
      cells,
      totalGap: cells.reduce((sum, c) => sum + Math.max(c.gap ?? 0, 0), 0),
      below: cells.filter((c) => c.band === 'below' || c.band === 'far').length,
      unrated: cells.filter((c) => c.band === 'unrated').length,
      targeted: cells.filter((c) => c.target !== null).length,
    };
  });
  let columns: MatrixColumn[] = skills.map((skill, i) => ({
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
): MatrixFilters & { team: string | null } {
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
    sort: pick(params.get('sort'), SORTS) ?? 'name',
  };
}

// --- one person ---------------------------------------------------------------------

export interface PersonSkillRow {
  skill: MatrixSkill;
  self: LatestRating | null;
  manager: LatestRating | null;
  target: number | null;
  nextTarget: number | null;
  /** target − current level; null without a target or a rating. */
  gap: number | null;
  /** nextTarget − current level; null without a next target or a rating. */
  nextGap: number | null;
  band: Band;
}

/**
 * A person's skills against their tier and the next one: every skill either
 * tier targets or that has a rating. Largest gap first, unrated targets after
 * the gaps, then catalog order.
 */
export function personSkills(
  skills: readonly MatrixSkill[],
  ratings: ReadonlyMap<string, CellRatings>,
  current: Targets | null,
  next: Targets | null,
): PersonSkillRow[] {
  const rows = filterSkills(skills, { category: null })
    .filter((s) => ratings.has(s.id) || targetOf(current, s.id) !== null || targetOf(next, s.id) !== null)
    .map((skill): PersonSkillRow => {
      const cell = ratings.get(skill.id) ?? null;
      const level = currentLevel(cell);
      const target = targetOf(current, skill.id);
      const nextTarget = targetOf(next, skill.id);
      return {
        skill,
        self: cell?.self ?? null,
        manager: cell?.manager ?? null,
        target,
        nextTarget,
        gap: target === null || level === null ? null : target - level,
        nextGap: nextTarget === null || level === null ? null : nextTarget - level,
        band: bandOf(target, level),
      };
    });
  const rank = (r: PersonSkillRow) => (r.gap !== null ? r.gap : r.band === 'unrated' ? 0.5 : -10);
  return rows.sort((a, b) => rank(b) - rank(a) || a.skill.position - b.skill.position);
}

export interface LearningStep {
  skill: MatrixSkill;
  current: Level | null;
  /** What the next tier asks for. */
  nextTarget: number;
  /** Levels missing; for an unrated skill, the whole target (an assumption, flagged by current = null). */
  missing: number;
}

/** "What to learn next": what the next tier asks for beyond the current level, largest step first. */
export function learnNext(rows: readonly PersonSkillRow[]): LearningStep[] {
  return rows
    .filter((r) => r.nextTarget !== null)
    .map((r) => {
      const current = r.manager?.level ?? r.self?.level ?? null;
      return { skill: r.skill, current, nextTarget: r.nextTarget!, missing: r.nextTarget! - (current ?? 0) };
    })
    .filter((s) => s.missing > 0)
    .sort(
      (a, b) => b.missing - a.missing || Number(a.current === null) - Number(b.current === null) || a.skill.position - b.skill.position,
    );
}

// --- history ------------------------------------------------------------------------

export interface HistoryPoint {
  /** 'YYYY-MM-DD' (UTC). */
  date: string;
  self: Level | null;
  manager: Level | null;
}

/**
 * One skill's ratings over time as a step series: a point per day on which a
 * rating was given, each carrying the latest self and manager level as of that
 * day (the last rating of a day wins).
 */
export function historySeries(records: readonly Pick<RatingRecord, 'id' | 'kind' | 'level' | 'ratedAt'>[]): HistoryPoint[] {
  const sorted = [...records].sort((a, b) => a.ratedAt - b.ratedAt || a.id - b.id);
  const points: HistoryPoint[] = [];
  let self: Level | null = null;
  let manager: Level | null = null;
  for (const r of sorted) {
    if (r.kind === 'self') self = r.level;
    else manager = r.level;
    const date = new Date(r.ratedAt).toISOString().slice(0, 10);
    const last = points.at(-1);
    if (last?.date === date) {
      last.self = self;
      last.manager = manager;
    } else {
      points.push({ date, self, manager });
    }
  }
  return points;
}

// --- CSV import ---------------------------------------------------------------------

export const IMPORT_COLUMNS = ['email', 'skill', 'level', 'date', 'note'] as const;
export const REQUIRED_IMPORT_COLUMNS = ['email', 'skill', 'level'] as const;
export const MAX_IMPORT_ROWS = 50_000;
export const MAX_NOTE_LENGTH = 500;
const EARLIEST_DATE = '1990-01-01';

export interface ImportContext {
  /** Normalised email → id of a person the importer may rate. */
  people: ReadonlyMap<string, number>;
  /** Lower-case skill id or name → skill id, for the skills the organisation uses. */
  skills: ReadonlyMap<string, string>;
  /** Today in UTC, 'YYYY-MM-DD': dates after it are refused. */
  today: string;
  /** "your teams" or "your organisation", for the unknown-email message. */
  scope: string;
}

export interface ImportRow {
  line: number;
  subjectId: number;
  skillId: string;
  level: Level;
  /** null: the rating is dated the day of the import. */
  date: string | null;
  note: string | null;
}

export type ImportProblem = CsvProblem;

export type ImportValidation = { ok: true; rows: ImportRow[] } | { ok: false; problems: ImportProblem[] };

/** Same spelling as normaliseEmail in src/lib/server/users.ts (the stored form). */
export const normaliseEmail = (email: string) => email.normalize('NFC').trim().toLowerCase();

/** 'YYYY-MM-DD' that is a real calendar date. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const LEVEL_WORDS = new Map<string, Level>(LEVELS.map((l) => [l.label.toLowerCase(), l.value as Level]));

/** "3", or a level's name ("Proficient"). */
export function parseLevel(raw: string): Level | null {
  const value = raw.trim().toLowerCase();
  if (/^[0-4]$/.test(value)) return Number(value) as Level;
  return LEVEL_WORDS.get(value) ?? null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks a whole ratings file before anything is written. Every bad row is
 * reported with its line and every reason it is bad; a file with any problem
 * is refused whole. Rows repeating a person, skill and date are refused too:
 * two levels for one day would be ambiguous.
 */
export function validateImport(
  records: readonly CsvRecord[],
  ctx: ImportContext,
  parseProblems: readonly CsvProblem[] = [],
): ImportValidation {
  const problems: ImportProblem[] = [...parseProblems];
  const [header, ...data] = records;
  if (!header) {
    return {
      ok: false,
      problems: [
        ...problems,
        { line: 1, reason: `The file is empty. The first line must name the columns: ${IMPORT_COLUMNS.join(', ')}.` },
      ],
    };
  }

  const names = header.cells.map((c) => c.trim().toLowerCase());
  const headerReasons: string[] = [];
  names.forEach((name, i) => {
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) {
      headerReasons.push(name === '' ? `Column ${i + 1} has no name.` : `Unknown column "${header.cells[i]!.trim()}".`);
    } else if (names.indexOf(name) !== i) {
      headerReasons.push(`Column "${name}" appears twice.`);
    }
  });
  const missing = REQUIRED_IMPORT_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) headerReasons.push(`Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);
  if (headerReasons.length) {
    headerReasons.push(`Expected the columns ${IMPORT_COLUMNS.join(', ')} (date and note may be left out).`);
    return { ok: false, problems: [...problems, { line: header.line, reason: headerReasons.join(' ') }].sort((a, b) => a.line - b.line) };
  }
  if (data.length === 0) {
    return { ok: false, problems: [...problems, { line: header.line, reason: 'The file has no ratings below the header line.' }] };
  }
  if (data.length > MAX_IMPORT_ROWS) {
    return {
      ok: false,
      problems: [
        ...problems,
        { line: header.line, reason: `The file has ${data.length} ratings; the limit is ${MAX_IMPORT_ROWS}. Split it into smaller files.` },
      ],
    };
  }

  const col = (record: CsvRecord, name: (typeof IMPORT_COLUMNS)[number]) => {
    const i = names.indexOf(name);
    return i === -1 ? '' : (record.cells[i] ?? '').trim();
  };
  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  for (const record of data) {
    const reasons: string[] = [];
    if (record.cells.length > names.length) {
      reasons.push(
        `It has ${record.cells.length} values but the header names ${names.length} columns (a comma inside a note needs the note in double quotes).`,
      );
    }
    const email = col(record, 'email');
    let subjectId: number | undefined;
    if (email === '') reasons.push('The email is empty.');
    else if (!EMAIL.test(email)) reasons.push(`"${email}" is not an email address.`);
    else {
      subjectId = ctx.people.get(normaliseEmail(email));
      if (subjectId === undefined) reasons.push(`No one with the email ${email} in ${ctx.scope}.`);
    }

    const skillRaw = col(record, 'skill');
    const skillId = skillRaw === '' ? undefined : ctx.skills.get(skillRaw.toLowerCase());
    if (skillRaw === '') reasons.push('The skill is empty.');
    else if (!skillId) reasons.push(`Unknown skill "${skillRaw}": use a skill id or name from the skill catalog.`);

    const levelRaw = col(record, 'level');
    const level = parseLevel(levelRaw);
    if (levelRaw === '') reasons.push('The level is empty.');
    else if (level === null)
      reasons.push(`Level "${levelRaw}" is not on the scale: use 0 to 4 (or none, aware, working, proficient, expert).`);

    const dateRaw = col(record, 'date');
    let date: string | null = null;
    if (dateRaw !== '') {
      if (!isCalendarDate(dateRaw)) reasons.push(`Date "${dateRaw}" is not a date written as YYYY-MM-DD.`);
      else if (dateRaw > ctx.today) reasons.push(`Date ${dateRaw} is in the future (today is ${ctx.today}).`);
      else if (dateRaw < EARLIEST_DATE) reasons.push(`Date ${dateRaw} is before ${EARLIEST_DATE}.`);
      else date = dateRaw;
    }

    const noteRaw = col(record, 'note');
    if (noteRaw.length > MAX_NOTE_LENGTH) reasons.push(`The note has ${noteRaw.length} characters; the limit is ${MAX_NOTE_LENGTH}.`);

    if (subjectId !== undefined && skillId) {
      const key = `${subjectId}|${skillId}|${date ?? ctx.today}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) reasons.push(`It repeats line ${earlier}: one rating per person, skill and date.`);
      else seen.set(key, record.line);
    }

    if (reasons.length) problems.push({ line: record.line, reason: reasons.join(' ') });
    else
      rows.push({
        line: record.line,
        subjectId: subjectId!,
        skillId: skillId!,
        level: level!,
        date,
        note: noteRaw === '' ? null : noteRaw,
      });
  }
  if (problems.length) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  return { ok: true, rows };
}

/**
 * What makes an imported rating the same rating: person, skill, kind, level,
 * date and note. The server stores a hash of it in a unique column, so a row
 * already imported is skipped, whoever imports it again.
 */
export function importIdentity(
  row: Pick<ImportRow, 'subjectId' | 'skillId' | 'level' | 'date' | 'note'>,
  today: string,
  kind: RatingKind = 'manager',
): string {
  return JSON.stringify([row.subjectId, row.skillId, kind, row.level, row.date ?? today, row.note ?? '']);
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
