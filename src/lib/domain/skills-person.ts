// One person's skills: their ratings against their tier and the next one,
// what to learn next, and one skill's ratings over time for the history
// chart. Pure: the server feature (src/lib/server/skills/person.ts) loads the
// person, the skills and the ratings and hands them here.
import type { Level } from './scale.ts';
import type { Targets } from './skills.ts';
import {
  bandOf,
  currentLevel,
  filterSkills,
  latestRatings,
  targetOf,
  type CellRatings,
  type LatestRating,
  type MatrixSkill,
  type RatingRecord,
  type SkillBand,
} from './skills-matrix.ts';

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
  band: SkillBand;
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

/** A person's latest ratings keyed by skill id (their records, of one person only). */
export function latestBySkill(history: readonly RatingRecord[]): Map<string, CellRatings> {
  const latest = latestRatings(history);
  return new Map([...latest].map(([key, cell]) => [key.slice(key.indexOf(':') + 1), cell]));
}
