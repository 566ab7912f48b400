// Gaps against tier targets and the self-check's link format.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import {
  EMPTY_SELF_CHECK,
  chooseRole,
  chooseTier,
  decodeSelfCheck,
  encodeSelfCheck,
  gap,
  nextTier,
  rate,
  selfCheckView,
  tierGaps,
  toLadder,
  type Ladder,
  type SelfCheckState,
} from '#domain/skills.ts';
import { ROLE_SLUGS, roleSchema } from '#content/schema.ts';
import type { Level } from '#domain/scale.ts';

const officer: Ladder = {
  slug: 'operations-officer',
  title: 'Operations Officer',
  skills: ['spreadsheets', 'sql-basics', 'negotiation', 'written-communication'],
  tiers: [
    { id: 'junior', title: 'Junior', yearsMin: 0, yearsMax: 2, targets: { spreadsheets: 2, 'written-communication': 2, 'sql-basics': 1 } },
    { id: 'mid', title: 'Mid', yearsMin: 2, yearsMax: 5, targets: { spreadsheets: 3, 'sql-basics': 2, negotiation: 1 } },
    { id: 'lead', title: 'Lead', yearsMin: 5, yearsMax: null, targets: { spreadsheets: 4, 'sql-basics': 3, negotiation: 3 } },
  ],
};
const assistant: Ladder = {
  slug: 'operations-assistant',
  title: 'Operations Assistant',
  skills: ['spreadsheets', 'filing'],
  tiers: [
    { id: 'junior', title: 'Assistant', yearsMin: 0, yearsMax: 1, targets: { spreadsheets: 1, filing: 2 } },
    { id: 'senior', title: 'Senior assistant', yearsMin: 1, yearsMax: null, targets: { spreadsheets: 2, filing: 3 } },
  ],
};
const ladders = [officer, assistant];

describe('gap', () => {
  it('is target minus rating, negative above the target', () => {
    expect(gap(3, 1)).toEqual({ gap: 2, unrated: false });
    expect(gap(2, 2)).toEqual({ gap: 0, unrated: false });
    expect(gap(1, 4)).toEqual({ gap: -3, unrated: false });
    expect(gap(3, 0)).toEqual({ gap: 3, unrated: false });
  });
  it('counts a missing rating as the whole target, flagged unrated', () => {
    expect(gap(3, undefined)).toEqual({ gap: 3, unrated: true });
    expect(gap(2, null)).toEqual({ gap: 2, unrated: true });
  });
  it('always equals target − rating for any levels', () => {
    const lvl = fc.integer({ min: 0, max: 4 });
    fc.assert(fc.property(lvl, lvl, (t, r) => gap(t, r).gap === t - r && !gap(t, r).unrated));
  });
});

describe('tierGaps', () => {
  it('lists every target with its gap and counts met, below and unrated', () => {
    const result = tierGaps({ spreadsheets: 3, 'sql-basics': 2, negotiation: 1 }, { spreadsheets: 3, 'sql-basics': 1 });
    expect(result.gaps).toEqual([
      { skill: 'spreadsheets', target: 3, rating: 3, gap: 0, unrated: false, met: true },
      { skill: 'sql-basics', target: 2, rating: 1, gap: 1, unrated: false, met: false },
      { skill: 'negotiation', target: 1, rating: null, gap: 1, unrated: true, met: false },
    ]);
    expect(result).toMatchObject({ met: 1, below: 1, unrated: 1, total: 3 });
  });
  it('ignores ratings of skills the tier does not target', () => {
    expect(tierGaps({ a: 2 }, { a: 4, b: 0 })).toMatchObject({ met: 1, below: 0, unrated: 0, total: 1 });
  });
  it('does not mistake inherited object keys for ratings', () => {
    expect(tierGaps({ constructor: 2 }, {}).gaps[0]).toMatchObject({ rating: null, unrated: true });
  });
  it('met + below + unrated always adds up to the number of targets', () => {
    const skill = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const level = fc.integer({ min: 0, max: 4 }) as fc.Arbitrary<Level>;
    fc.assert(
      fc.property(fc.dictionary(skill, level), fc.dictionary(skill, level), (targets, ratings) => {
        const r = tierGaps(targets, ratings);
        return r.met + r.below + r.unrated === r.total && r.total === Object.keys(targets).length;
      }),
    );
  });
});

describe('nextTier', () => {
  it('is the following tier, or null at the top or for an unknown tier', () => {
    expect(nextTier(officer.tiers, 'junior')?.id).toBe('mid');
    expect(nextTier(officer.tiers, 'mid')?.id).toBe('lead');
    expect(nextTier(officer.tiers, 'lead')).toBeNull();
    expect(nextTier(officer.tiers, 'nope')).toBeNull();
    expect(nextTier(officer.tiers, null)).toBeNull();
  });
});

describe('toLadder', () => {
  const src = (slug: string) => readFileSync(join(import.meta.dirname, '..', '..', 'content', 'roles', `${slug}.md`), 'utf8');
  it.each(ROLE_SLUGS)('%s: lists every targeted skill once, in skill-map order', (slug) => {
    const role = roleSchema.parse(yaml.load(/^---\n([\s\S]*?)\n---/.exec(src(slug))![1]!));
    const ladder = toLadder(slug, role);
    const targeted = new Set(role.tiers.flatMap((t) => Object.keys(t.targets)));
    expect(new Set(ladder.skills)).toEqual(targeted);
    expect(ladder.skills.length).toBe(targeted.size);
    const mapped = [...role.skillMap.foundational, ...role.skillMap.technical, ...role.skillMap.soft];
    expect(ladder.skills).toEqual(mapped.filter((id) => targeted.has(id)));
    expect(ladder.tiers.map((t) => t.id)).toEqual(role.tiers.map((t) => t.id));
  });
});

describe('self-check state', () => {
  const start: SelfCheckState = { role: 'operations-officer', tier: 'junior', ratings: { spreadsheets: 2, negotiation: 1 } };

  it('keeps shared ratings and a same-named tier when the role changes', () => {
    expect(chooseRole(start, ladders, 'operations-assistant')).toEqual({
      role: 'operations-assistant',
      tier: 'junior',
      ratings: { spreadsheets: 2 },
    });
    expect(chooseRole({ ...start, tier: 'mid' }, ladders, 'operations-assistant').tier).toBeNull();
    expect(chooseRole(start, ladders, null)).toEqual(EMPTY_SELF_CHECK);
    expect(chooseRole(start, ladders, 'astronaut')).toEqual(EMPTY_SELF_CHECK);
  });
  it('keeps ratings across tier changes and refuses unknown tiers', () => {
    expect(chooseTier(start, ladders, 'lead')).toEqual({ ...start, tier: 'lead' });
    expect(chooseTier(start, ladders, 'nope').tier).toBeNull();
  });
  it('rates, re-rates and clears only skills of the role', () => {
    expect(rate(start, ladders, 'sql-basics', 3).ratings).toEqual({ spreadsheets: 2, negotiation: 1, 'sql-basics': 3 });
    expect(rate(start, ladders, 'spreadsheets', 0).ratings).toEqual({ spreadsheets: 0, negotiation: 1 });
    expect(rate(start, ladders, 'spreadsheets', null).ratings).toEqual({ negotiation: 1 });
    expect(rate(start, ladders, 'filing', 4)).toBe(start);
  });
});

describe('selfCheckView', () => {
  it('is null until a role and a tier are chosen', () => {
    expect(selfCheckView(EMPTY_SELF_CHECK, ladders)).toBeNull();
    expect(selfCheckView({ role: 'operations-officer', tier: null, ratings: {} }, ladders)).toBeNull();
  });
  it('lists the tier skills, then the next-tier-only ones, with both gaps', () => {
    const view = selfCheckView({ role: 'operations-officer', tier: 'junior', ratings: { spreadsheets: 3, 'sql-basics': 0 } }, ladders)!;
    expect(view.tier.id).toBe('junior');
    expect(view.next?.id).toBe('mid');
    expect(view.skills.map((s) => [s.skill, s.group])).toEqual([
      ['spreadsheets', 'tier'],
      ['sql-basics', 'tier'],
      ['written-communication', 'tier'],
      ['negotiation', 'next'],
    ]);
    const sql = view.skills.find((s) => s.skill === 'sql-basics')!;
    expect([sql.current?.gap, sql.next?.gap]).toEqual([1, 2]);
    expect(view.skills.find((s) => s.skill === 'written-communication')!.next).toBeNull();
    expect(view.current).toMatchObject({ met: 1, below: 1, unrated: 1, total: 3 });
    expect(view.nextGaps).toMatchObject({ met: 1, below: 1, unrated: 1, total: 3 });
  });
  it('puts the largest gap to the chosen tier first, then gaps to the next tier, and leaves out unrated skills', () => {
    const view = selfCheckView(
      { role: 'operations-officer', tier: 'mid', ratings: { spreadsheets: 3, 'sql-basics': 0, negotiation: 1 } },
      ladders,
    )!;
    expect(view.learnNext).toEqual([
      { skill: 'sql-basics', rating: 0, tierGap: 2, nextGap: 3 },
      { skill: 'negotiation', rating: 1, tierGap: 0, nextGap: 2 },
      { skill: 'spreadsheets', rating: 3, tierGap: 0, nextGap: 1 },
    ]);
    const unrated = selfCheckView({ role: 'operations-officer', tier: 'mid', ratings: {} }, ladders)!;
    expect(unrated.learnNext).toEqual([]);
  });
  it('has no next tier at the top of the ladder', () => {
    const view = selfCheckView({ role: 'operations-officer', tier: 'lead', ratings: {} }, ladders)!;
    expect(view.next).toBeNull();
    expect(view.nextGaps).toBeNull();
    expect(view.skills.every((s) => s.group === 'tier' && s.next === null)).toBe(true);
  });
});

/** Any state the self-check can be in: a known role, maybe a tier of it, ratings of its skills. */
const validState: fc.Arbitrary<SelfCheckState> = fc.oneof(
  fc.constant(EMPTY_SELF_CHECK),
  fc.constantFrom(...ladders).chain((l) =>
    fc.record({
      role: fc.constant(l.slug),
      tier: fc.option(fc.constantFrom(...l.tiers.map((t) => t.id)), { nil: null }),
      ratings: fc.dictionary(fc.constantFrom(...l.skills), fc.integer({ min: 0, max: 4 }) as fc.Arbitrary<Level>),
    }),
  ),
);

describe('self-check link', () => {
  it('has the compact documented form', () => {
    const q = encodeSelfCheck({ role: 'operations-officer', tier: 'mid', ratings: { spreadsheets: 3, 'sql-basics': 2 } });
    expect(q).toBe('role=operations-officer&tier=mid&r=spreadsheets.3,sql-basics.2');
    expect(encodeSelfCheck(EMPTY_SELF_CHECK)).toBe('');
    expect(encodeSelfCheck({ role: 'operations-officer', tier: null, ratings: {} })).toBe('role=operations-officer');
  });

  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(validState, (state) => {
        expect(decodeSelfCheck(encodeSelfCheck(state), ladders)).toEqual(state);
        expect(decodeSelfCheck(new URLSearchParams(encodeSelfCheck(state)), ladders)).toEqual(state);
      }),
    );
  });

  it('gives one link per state, whatever order the ratings were made in', () => {
    fc.assert(
      fc.property(validState, (state) => {
        const reversed = { ...state, ratings: Object.fromEntries(Object.entries(state.ratings).reverse()) };
        expect(encodeSelfCheck(reversed)).toBe(encodeSelfCheck(state));
      }),
    );
  });

  it('reads commas that were percent-encoded on the way', () => {
    expect(decodeSelfCheck('role=operations-officer&tier=mid&r=spreadsheets.3%2Csql-basics.2', ladders).ratings).toEqual({
      spreadsheets: 3,
      'sql-basics': 2,
    });
  });

  it('drops unknown roles, tiers, skills and bad levels instead of failing', () => {
    expect(decodeSelfCheck('role=astronaut&tier=mid&r=spreadsheets.3', ladders)).toEqual(EMPTY_SELF_CHECK);
    expect(decodeSelfCheck('tier=mid&r=spreadsheets.3', ladders)).toEqual(EMPTY_SELF_CHECK);
    expect(decodeSelfCheck('role=operations-officer&tier=chief', ladders)).toEqual({ role: 'operations-officer', tier: null, ratings: {} });
    // Assistant tiers and skills are not the officer's.
    expect(decodeSelfCheck('role=operations-officer&tier=senior&r=filing.2', ladders)).toEqual({
      role: 'operations-officer',
      tier: null,
      ratings: {},
    });
    const r = 'spreadsheets.5,sql-basics.-1,negotiation.1.5,written-communication.,.2,sql-basics,constructor.1,__proto__.1,spreadsheets.2';
    expect(decodeSelfCheck(`role=operations-officer&tier=mid&r=${r}`, ladders)).toEqual({
      role: 'operations-officer',
      tier: 'mid',
      ratings: { spreadsheets: 2 },
    });
  });

  it('lets the last of repeated ratings win', () => {
    expect(decodeSelfCheck('role=operations-officer&r=spreadsheets.1,spreadsheets.4', ladders).ratings).toEqual({ spreadsheets: 4 });
  });

  it('never throws on garbage, and whatever it returns is a valid state', () => {
    const isValid = (s: SelfCheckState) => {
      const l = ladders.find((x) => x.slug === s.role);
      if (!l) return s.role === null && s.tier === null && Object.keys(s.ratings).length === 0;
      return (
        (s.tier === null || l.tiers.some((t) => t.id === s.tier)) &&
        Object.entries(s.ratings).every(([k, v]) => l.skills.includes(k) && Number.isInteger(v) && v >= 0 && v <= 4)
      );
    };
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('role', 'tier', 'r', 'operations-officer', 'mid', 'spreadsheets.3', ',', '.', '&', '=', '%', '%2C', '__proto__'),
    );
    const query = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(query, (q) => {
        const state = decodeSelfCheck(q, ladders);
        expect(isValid(state)).toBe(true);
        // Decoding again what the state encodes to is stable: a cleaned link stays clean.
        expect(decodeSelfCheck(encodeSelfCheck(state), ladders)).toEqual(state);
      }),
      { numRuns: 2000 },
    );
  });

  it('survives a huge rating list', () => {
    const r = Array.from({ length: 100_000 }, (_, i) => `skill-${i}.${i % 7}`).join(',');
    expect(decodeSelfCheck(`role=operations-officer&r=${r},spreadsheets.2`, ladders).ratings).toEqual({});
  });
});
