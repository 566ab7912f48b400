// One matrix cell's rules: the level that counts, the band it is coloured by,
// its gap and its words. Apart from skills-matrix.ts because the MatrixGrid
// island imports them, and skills-matrix.ts pulls in zod and the content
// schema, which added ~28 KB gzip to the browser bundle.
import { LEVELS, type Level } from './scale.ts';
import { gap, type Gap } from './skills.ts';

/** The longest note a rating keeps, from the rating form and the import alike. */
export const MAX_NOTE_LENGTH = 500;

export interface LatestRating {
  level: Level;
  ratedAt: number;
}

/** The latest self and manager rating of one person for one skill. */
export interface CellRatings {
  self: LatestRating | null;
  manager: LatestRating | null;
}

/** The one level gaps and coverage use: the manager's when there is one, else the person's own. */
export function currentLevel(cell: CellRatings | null | undefined): Level | null {
  return cell?.manager?.level ?? cell?.self?.level ?? null;
}

/**
 * How a cell is coloured: no target for this person's tier; a target but no
 * rating yet; at or above target; one level below; two or more below.
 */
export type SkillBand = 'none' | 'unrated' | 'met' | 'below' | 'far';

export interface SkillMatrixCell {
  self: Level | null;
  manager: Level | null;
  target: number | null;
  /** target − current level; null without a target or a rating. */
  gap: number | null;
  band: SkillBand;
}

export function bandOf(target: number | null, level: Level | null): SkillBand {
  if (target === null) return 'none';
  if (level === null) return 'unrated';
  const g = target - level;
  return g <= 0 ? 'met' : g === 1 ? 'below' : 'far';
}

export function skillMatrixCell(ratings: CellRatings | null | undefined, target: number | null): SkillMatrixCell {
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
export function cellText(cell: Pick<SkillMatrixCell, 'self' | 'manager' | 'target'>): string {
  const v = (n: number | null) => (n === null ? '–' : String(n));
  return `S${v(cell.self)} M${v(cell.manager)} T${v(cell.target)}`;
}

/** The same cell in words, for assistive technology and tooltips. */
export function cellDescription(cell: Pick<SkillMatrixCell, 'self' | 'manager' | 'target'>): string {
  const v = (n: number | null) => (n === null ? 'not rated' : `${n} ${LEVELS[n]?.label.toLowerCase() ?? ''}`.trim());
  return `Self ${v(cell.self)}, manager ${v(cell.manager)}, target ${cell.target === null ? 'none' : cell.target}`;
}
