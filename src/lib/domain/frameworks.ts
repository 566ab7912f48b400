// Frameworks the organisation owns (ADR 035): the content's tier targets are
// OpsPath's suggestion; an admin may set their own level per role, tier and
// skill (history kept), and the target in force is the latest of those, else
// the suggestion. Also learning resources on skills, the certifications that
// cover a skill, and promotion readiness. Pure: the server feature
// (src/lib/server/frameworks) loads the rows and hands them here.
import { z } from 'zod';
import { choiceOf, optionalText, requiredText } from './fields.ts';
import type { Level } from './scale.ts';
import type { Ladder, Targets } from './skills.ts';
import { targetOf, type CellRatings } from './skills-matrix.ts';

/** One row of an organisation's target history, oldest first when listed for `effectiveTargetsOf`. */
export interface TargetOverrideRow {
  id: number;
  jobRole: string;
  tier: string;
  skillId: string;
  /** null: no target for this skill here. */
  level: number | null;
  previousLevel: number | null;
  /** Back to the suggestion: the row ends the override. */
  revert: boolean;
  setByName: string;
  setAt: number;
}

/** Who set a target: the content's suggestion, or the organisation (with who and when). */
export type TargetSource = { kind: 'suggestion' } | { kind: 'organisation'; setByName: string; setAt: number };

export interface EffectiveTarget {
  skillId: string;
  /** The level in force; null when the organisation removed the suggested target. */
  level: number | null;
  /** What OpsPath's guide suggests, null when it sets none (an organisation skill, or a skill the tier does not target). */
  suggested: number | null;
  source: TargetSource;
}

const keyOf = (jobRole: string, tier: string, skillId: string) => `${jobRole}/${tier}/${skillId}`;

/** The latest row per (role, tier, skill) that still overrides: a revert row removes the key. */
export function latestOverrides(rows: readonly TargetOverrideRow[]): Map<string, TargetOverrideRow> {
  const latest = new Map<string, TargetOverrideRow>();
  for (const row of [...rows].sort((a, b) => a.id - b.id)) {
    const key = keyOf(row.jobRole, row.tier, row.skillId);
    if (row.revert) latest.delete(key);
    else latest.set(key, row);
  }
  return latest;
}

/**
 * The targets in force for one role and tier: every skill the suggestion or
 * the organisation names, in the suggestion's order then the organisation's.
 */
export function effectiveTargetsOf(
  suggested: Targets | null,
  jobRole: string,
  tier: string,
  overrides: ReadonlyMap<string, TargetOverrideRow>,
): EffectiveTarget[] {
  const prefix = `${jobRole}/${tier}/`;
  const own = [...overrides.entries()].filter(([key]) => key.startsWith(prefix)).map(([, row]) => row);
  const ids = [...new Set([...Object.keys(suggested ?? {}), ...own.map((r) => r.skillId)])];
  return ids.map((skillId) => {
    const base = targetOf(suggested, skillId);
    const row = overrides.get(keyOf(jobRole, tier, skillId));
    return row
      ? { skillId, level: row.level, suggested: base, source: { kind: 'organisation', setByName: row.setByName, setAt: row.setAt } }
      : { skillId, level: base, suggested: base, source: { kind: 'suggestion' } };
  });
}

/** Effective targets as the Targets map the matrix and person pages read (removed targets left out). */
export const targetsMapOf = (targets: readonly EffectiveTarget[]): Targets =>
  Object.fromEntries(targets.flatMap((t) => (t.level === null ? [] : [[t.skillId, t.level]])));

/** The ladders with an organisation's overrides applied; unchanged when it has none. */
export function applyOverrides(ladders: readonly Ladder[], overrides: ReadonlyMap<string, TargetOverrideRow>): Ladder[] {
  if (overrides.size === 0) return [...ladders];
  return ladders.map((ladder) => {
    const tiers = ladder.tiers.map((t) => ({ ...t, targets: targetsMapOf(effectiveTargetsOf(t.targets, ladder.slug, t.id, overrides)) }));
    const targeted = new Set(tiers.flatMap((t) => Object.keys(t.targets)));
    return { ...ladder, tiers, skills: [...new Set([...ladder.skills.filter((s) => targeted.has(s)), ...targeted])] };
  });
}

// --- the admin's form -------------------------------------------------------------------

/** The form's "level": 1-4 sets a target, "none" removes it, "suggestion" hands it back to OpsPath's. */
export const targetForm = z.object({
  jobRole: requiredText(80, 'Choose a role.'),
  tier: requiredText(80, 'Choose a tier.'),
  skillId: requiredText(120, 'Choose a skill.'),
  level: choiceOf(['1', '2', '3', '4', 'none', 'suggestion'], 'Choose a level, “No target” or “OpsPath suggestion”.'),
});
export type TargetChange = { level: number | null; revert: boolean };

export const targetChangeOf = (level: z.infer<typeof targetForm>['level']): TargetChange =>
  level === 'suggestion'
    ? { level: null, revert: true }
    : level === 'none'
      ? { level: null, revert: false }
      : { level: Number(level), revert: false };

/** Whether a change would change nothing: setting what is in force, or reverting where there is no override. */
export function isNoChange(current: EffectiveTarget | undefined, change: TargetChange): boolean {
  const overridden = current?.source.kind === 'organisation';
  if (change.revert) return !overridden;
  return overridden && (current?.level ?? null) === change.level;
}

// --- learning resources -----------------------------------------------------------------

export const RESOURCE_KINDS = ['course', 'article', 'video', 'book', 'internal', 'other'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
export const RESOURCE_KIND_LABELS: Record<ResourceKind, string> = {
  course: 'Course',
  article: 'Article',
  video: 'Video',
  book: 'Book',
  internal: 'Internal material',
  other: 'Other',
};

const httpUrl = requiredText(2000, 'Enter the link, starting with https:// or http://.').refine(
  (v) => {
    if (/\s/.test(v)) return false;
    try {
      const url = new URL(v);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { error: 'Enter a whole link starting with https:// or http://.' },
);

export const resourceForm = z.object({
  skillId: requiredText(120, 'Choose a skill.'),
  title: requiredText(160, 'Enter a title.'),
  url: httpUrl,
  kind: choiceOf(RESOURCE_KINDS, 'Choose a kind.'),
  minutes: optionalText(6).pipe(
    z
      .string()
      .nullable()
      .transform((v) => (v === null || v === '' ? null : Number(v)))
      .refine((v) => v === null || (Number.isInteger(v) && v >= 1 && v <= 100_000), {
        error: 'Enter the time needed as a whole number of minutes, or leave it empty.',
      }),
  ),
});

/** "45 min", "2 h", "1 h 30 min"; null when unknown. */
export function formatMinutes(minutes: number | null): string | null {
  if (minutes === null) return null;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

/**
 * The certifications that cover a skill: those whose topics name the skill's
 * id. Content lists topics, not skills, so only an exact id match counts; a
 * looser match would claim coverage nobody stated.
 */
export function certificationsCovering<C extends { id: string; topics: readonly string[] }>(
  certifications: Iterable<C>,
  skillId: string,
): C[] {
  return [...certifications].filter((c) => c.topics.includes(skillId));
}

// --- promotion readiness ---------------------------------------------------------------

export interface Readiness {
  met: number;
  total: number;
  /** Next-tier targets not met by the agreed level, in the targets' order; level null when there is no agreed level. */
  unmet: { skillId: string; target: number; level: Level | null }[];
}

/**
 * How many of the next tier's targets the agreed levels meet. Agreed is the
 * latest manager rating: a self-rating alone is a claim, not an agreement.
 */
export function promotionReadiness(nextTargets: Targets, cells: ReadonlyMap<string, CellRatings>): Readiness {
  const unmet: Readiness['unmet'] = [];
  let met = 0;
  for (const [skillId, target] of Object.entries(nextTargets)) {
    const level = cells.get(skillId)?.manager?.level ?? null;
    if (level !== null && level >= target) met++;
    else unmet.push({ skillId, target, level });
  }
  return { met, total: met + unmet.length, unmet };
}
