// Skill gaps against tier targets, and the candidate self-check built on them.
// Pure: no Astro, no database, no DOM. The team skills matrix (on the server)
// and the self-check island (in the browser) compute gaps with the same code.
//
// zod/mini rather than the full zod API: this module ships to the browser,
// where the whole page has an 80 KB gzip budget that React mostly uses up.
import * as z from 'zod/mini';
import type { Role } from '#content/schema.ts';
import type { Level } from './scale.ts';
import type { Figure } from './figure.ts';
import { payFigure } from './roles.ts';

/** skill id → target level, as in a tier's `targets`. */
export type Targets = Readonly<Record<string, number>>;
/** skill id → latest rating. A missing key means "not rated", never "0". */
export type Ratings = Readonly<Record<string, Level>>;

// Own keys only: a skill id such as "constructor" must not find Object.prototype.
const ratingOf = (ratings: Ratings, skill: string): Level | null => (Object.hasOwn(ratings, skill) ? (ratings[skill] ?? null) : null);

export interface Gap {
  /** target − rating; negative when the rating is above the target. */
  gap: number;
  /** No rating yet: the gap is then the whole target, which is an assumption, not a finding. */
  unrated: boolean;
}

export function gap(target: number, rating: number | null | undefined): Gap {
  if (rating === null || rating === undefined) return { gap: target, unrated: true };
  return { gap: target - rating, unrated: false };
}

export interface SkillGap extends Gap {
  skill: string;
  target: number;
  rating: Level | null;
  /** Rated at or above the target. An unrated skill never counts as met. */
  met: boolean;
}

export interface TierGaps {
  /** One entry per targeted skill, in the order of `targets`. */
  gaps: SkillGap[];
  met: number;
  below: number;
  unrated: number;
  total: number;
}

export function tierGaps(targets: Targets, ratings: Ratings): TierGaps {
  const gaps = Object.entries(targets).map(([skill, target]): SkillGap => {
    const rating = ratingOf(ratings, skill);
    const g = gap(target, rating);
    return { skill, target, rating, ...g, met: !g.unrated && g.gap <= 0 };
  });
  const met = gaps.filter((g) => g.met).length;
  const unrated = gaps.filter((g) => g.unrated).length;
  return { gaps, met, unrated, below: gaps.length - met - unrated, total: gaps.length };
}

/**
 * The tier after `tierId`. Tiers are listed in ladder order in the guides, so
 * the next one is simply the next in the list; null at the top or when the id
 * is unknown.
 */
export function nextTier<T extends { id: string }>(tiers: readonly T[], tierId: string | null): T | null {
  const i = tiers.findIndex((t) => t.id === tierId);
  return i === -1 ? null : (tiers[i + 1] ?? null);
}

// ---------------------------------------------------------------------------
// The candidate self-check: a role's ladder, the state a visitor builds up,
// and the link that reproduces it.

export interface LadderTier {
  id: string;
  title: string;
  yearsMin: number;
  yearsMax: number | null;
  targets: Targets;
  /** The pay figure the role's guide publishes for this tier's level, labelled; null when none is published. */
  pay?: Figure | null;
  /** Whose figure it is when the tier carries another role's title, or why there is none (from the ladder). */
  payNote?: string;
}

/** Just what the self-check needs from a role guide; small enough to embed in the page. */
export interface Ladder {
  slug: string;
  title: string;
  tiers: LadderTier[];
  /** Every skill some tier targets, in skill-map order (foundational, technical, soft). */
  skills: string[];
}

export function toLadder(slug: string, role: Role, payNotes: ReadonlyMap<string, string> = new Map()): Ladder {
  const mapped = [...role.skillMap.foundational, ...role.skillMap.technical, ...role.skillMap.soft];
  const targeted = new Set(role.tiers.flatMap((t) => Object.keys(t.targets)));
  // Content checks keep targets inside the skill map; appending any stray id
  // anyway means a content slip can never hide a target from the candidate.
  const skills = [...new Set([...mapped.filter((id) => targeted.has(id)), ...targeted])];
  return {
    slug,
    title: role.title,
    tiers: role.tiers.map(({ id, title, yearsMin, yearsMax, targets, payLevel }) => {
      const note = payNotes.get(id);
      return {
        id,
        title,
        yearsMin,
        yearsMax,
        targets,
        pay: payLevel && role.pay.levels?.[payLevel] ? payFigure(role, payLevel) : null,
        ...(note ? { payNote: note } : {}),
      };
    }),
    skills,
  };
}

export interface SelfCheckState {
  role: string | null;
  /** Only set together with a role, and always one of that role's tiers. */
  tier: string | null;
  /** Only skills of the chosen role. Kept across tier changes, so switching tiers loses nothing. */
  ratings: Ratings;
}

export const EMPTY_SELF_CHECK: SelfCheckState = { role: null, tier: null, ratings: {} };

const onlySkills = (ratings: Ratings, skills: readonly string[]): Ratings =>
  Object.fromEntries(skills.flatMap((s) => (Object.hasOwn(ratings, s) ? [[s, ratings[s]!]] : [])));

/**
 * Switching role keeps the ratings of skills the new role also targets (the
 * person did not change) and the tier when the new ladder has one of that id.
 */
export function chooseRole(state: SelfCheckState, ladders: readonly Ladder[], slug: string | null): SelfCheckState {
  const ladder = ladders.find((l) => l.slug === slug);
  if (!ladder) return EMPTY_SELF_CHECK;
  return {
    role: ladder.slug,
    tier: ladder.tiers.some((t) => t.id === state.tier) ? state.tier : null,
    ratings: onlySkills(state.ratings, ladder.skills),
  };
}

export function chooseTier(state: SelfCheckState, ladders: readonly Ladder[], tierId: string | null): SelfCheckState {
  const ladder = ladders.find((l) => l.slug === state.role);
  if (!ladder) return state;
  return { ...state, tier: ladder.tiers.some((t) => t.id === tierId) ? tierId : null };
}

/** Sets a rating, or clears it with null. Skills outside the role are ignored. */
export function rate(state: SelfCheckState, ladders: readonly Ladder[], skill: string, level: Level | null): SelfCheckState {
  const ladder = ladders.find((l) => l.slug === state.role);
  if (!ladder || !ladder.skills.includes(skill)) return state;
  const ratings: Record<string, Level> = { ...state.ratings };
  if (level === null) delete ratings[skill];
  else ratings[skill] = level;
  return { ...state, ratings };
}

export interface RatedSkill {
  skill: string;
  /** Targeted by the chosen tier, or asked for only by the next tier. */
  group: 'tier' | 'next';
  rating: Level | null;
  /** null when the tier sets no target for this skill. */
  current: SkillGap | null;
  next: SkillGap | null;
}

export interface LearningStep {
  skill: string;
  rating: Level;
  /** Levels still missing for the chosen tier (0 if met or not targeted there). */
  tierGap: number;
  /** Levels still missing for the next tier (0 if met, not targeted, or no next tier). */
  nextGap: number;
}

export interface SelfCheckView {
  ladder: Ladder;
  tier: LadderTier;
  next: LadderTier | null;
  current: TierGaps;
  nextGaps: TierGaps | null;
  /** The skills to rate: the tier's targets, then those only the next tier asks for. */
  skills: RatedSkill[];
  /**
   * Rated skills below a target, largest gap first: the chosen tier's gaps
   * before the next tier's, because the tier is the candidate's stated aim.
   * Unrated skills stay out: their "gap" is an assumption, not a finding.
   */
  learnNext: LearningStep[];
}

/** Everything the self-check shows, or null until a role and tier are chosen. */
export function selfCheckView(state: SelfCheckState, ladders: readonly Ladder[]): SelfCheckView | null {
  const ladder = ladders.find((l) => l.slug === state.role);
  const tier = ladder?.tiers.find((t) => t.id === state.tier);
  if (!ladder || !tier) return null;
  const next = nextTier(ladder.tiers, tier.id);
  const current = tierGaps(tier.targets, state.ratings);
  const nextGaps = next ? tierGaps(next.targets, state.ratings) : null;
  const byCurrent = new Map(current.gaps.map((g) => [g.skill, g]));
  const byNext = new Map((nextGaps?.gaps ?? []).map((g) => [g.skill, g]));

  const skills = ladder.skills
    .filter((s) => byCurrent.has(s) || byNext.has(s))
    .map((skill): RatedSkill => ({
      skill,
      group: byCurrent.has(skill) ? 'tier' : 'next',
      rating: ratingOf(state.ratings, skill),
      current: byCurrent.get(skill) ?? null,
      next: byNext.get(skill) ?? null,
    }));
  // Tier skills first, each group in skill-map order (a stable sort keeps it).
  skills.sort((a, b) => Number(a.group === 'next') - Number(b.group === 'next'));

  const missing = (g: SkillGap | null) => (g && !g.unrated ? Math.max(g.gap, 0) : 0);
  const learnNext = skills
    .flatMap((s): LearningStep[] =>
      s.rating === null ? [] : [{ skill: s.skill, rating: s.rating, tierGap: missing(s.current), nextGap: missing(s.next) }],
    )
    .filter((s) => s.tierGap > 0 || s.nextGap > 0)
    .sort((a, b) => b.tierGap - a.tierGap || b.nextGap - a.nextGap);

  return { ladder, tier, next, current, nextGaps, skills, learnNext };
}

// ---------------------------------------------------------------------------
// The link: ?role=operations-officer&tier=mid&r=sql-basics.2,spreadsheets.3

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Ids are kebab-case, so "." and "," can never appear inside one and need no escaping.
const RATING_PAIR = /^[a-z0-9]+(?:-[a-z0-9]+)*\.[0-4]$/;
// More pairs than any role has skills is garbage; stop reading rather than split a huge string.
const MAX_PAIRS = 200;

// Two small string schemas rather than one z.object with catch/pipe/transform:
// each extra zod feature adds to the browser bundle, and these two already
// check every value a link can carry (membership is then checked against the ladders).
const idParam = z.string().check(z.regex(ID));
const ratingPair = z.string().check(z.regex(RATING_PAIR));

const validId = (value: string | null): string | null => {
  const r = idParam.safeParse(value);
  return r.success ? r.data : null;
};

/**
 * The query string (without "?") for a state; "" for the empty state. Ratings
 * are sorted by skill id so one state always gives one link. Built by hand
 * because URLSearchParams would percent-encode the commas.
 */
export function encodeSelfCheck(state: SelfCheckState): string {
  if (state.role === null) return '';
  const parts = [`role=${encodeURIComponent(state.role)}`];
  if (state.tier !== null) parts.push(`tier=${encodeURIComponent(state.tier)}`);
  const pairs = Object.keys(state.ratings)
    .sort()
    .map((skill) => `${encodeURIComponent(skill)}.${state.ratings[skill]}`);
  if (pairs.length > 0) parts.push(`r=${pairs.join(',')}`);
  return parts.join('&');
}

/**
 * Reads a link back into a state. Never throws: an unknown role empties the
 * state, an unknown tier leaves it unset, and unknown skills or bad levels are
 * dropped one by one. For a repeated skill the last rating wins.
 */
export function decodeSelfCheck(searchParams: URLSearchParams | string, ladders: readonly Ladder[]): SelfCheckState {
  const params = typeof searchParams === 'string' ? new URLSearchParams(searchParams) : searchParams;
  const role = validId(params.get('role'));
  const tier = validId(params.get('tier'));
  const ladder = ladders.find((l) => l.slug === role);
  if (!ladder) return EMPTY_SELF_CHECK;
  const known = new Set(ladder.skills);
  const ratings: Record<string, Level> = {};
  for (const raw of (params.get('r') ?? '').split(',', MAX_PAIRS)) {
    const pair = ratingPair.safeParse(raw);
    if (!pair.success) continue;
    const dot = pair.data.lastIndexOf('.');
    const skill = pair.data.slice(0, dot);
    if (known.has(skill)) ratings[skill] = Number(pair.data.slice(dot + 1)) as Level;
  }
  return {
    role: ladder.slug,
    tier: ladder.tiers.some((t) => t.id === tier) ? tier : null,
    ratings,
  };
}
