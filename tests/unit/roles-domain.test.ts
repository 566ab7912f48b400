import { describe, it, expect } from 'vitest';
import { formatMoney, formatRange, formatYears, formatPercent } from '#domain/format.ts';
import { pickPair, compareSkills, experienceSpan, headlineFigure, sortRoles } from '#domain/roles.ts';
import type { Role } from '#content/schema.ts';
import { ROLE_SLUGS } from '#content/schema.ts';

const role = (over: Partial<Role>): Role =>
  ({
    order: 1,
    tiers: [
      {
        id: 'a',
        title: 'A',
        yearsMin: 0,
        yearsMax: 2,
        payLevel: 'entry',
        description: '',
        focus: [],
        targets: {},
        recommendedCertifications: [],
      },
      {
        id: 'b',
        title: 'B',
        yearsMin: 2,
        yearsMax: null,
        payLevel: null,
        description: '',
        focus: [],
        targets: {},
        recommendedCertifications: [],
      },
    ],
    skillMap: { foundational: ['x'], technical: ['y'], soft: ['z'] },
    pay: {
      currency: 'USD',
      period: 'annual',
      levels: null,
      percentiles: { p10: 1, p25: 2, p50: 3, p75: 4, p90: 5 },
      proxy: { soc: '11-1021', title: 't', why: 'w' },
      source: 's',
      year: 2025,
    },
    ...over,
  }) as Role;

describe('formatting', () => {
  it('formats money in its own currency', () => {
    expect(formatMoney(60000, 'USD')).toBe('$60,000');
    expect(formatMoney(4500, 'RON')).toBe('4,500 RON');
    expect(formatMoney(1234.6, 'EUR')).toBe('€1,235');
    expect(formatRange(45000, 75000, 'USD')).toBe('$45,000–$75,000');
  });
  it('formats years and growth', () => {
    expect(formatYears(0, 2)).toBe('0–2 years');
    expect(formatYears(8, null)).toBe('8+ years');
    expect(formatPercent(7)).toBe('+7%');
    expect(formatPercent(-1.6)).toBe('−1.6%');
    expect(formatPercent(0)).toBe('0%');
  });
});

describe('roles', () => {
  it('sorts by ladder order', () => {
    const sorted = sortRoles([
      { id: 'b', data: role({ order: 2 }) },
      { id: 'a', data: role({ order: 1 }) },
    ]);
    expect(sorted.map((r) => r.id)).toEqual(['a', 'b']);
  });
  it('labels a percentile median as such', () => {
    expect(headlineFigure(role({}))).toMatchObject({
      amount: { value: 3 },
      kind: 'proxy-occupation',
      measure: 'median',
      proxy: { soc: '11-1021' },
    });
    const withLevels = role({
      pay: { ...role({}).pay, levels: { range: null, median: 60000, entry: null, mid: null, senior: null, top10From: null } },
    });
    expect(headlineFigure(withLevels)).toMatchObject({ amount: { value: 60000 }, kind: 'median' });
  });
  it('finds the experience span, open-ended when a tier is', () => {
    expect(experienceSpan(role({}))).toEqual({ min: 0, max: null });
  });
  it('splits skills into shared and distinct', () => {
    const a = role({ skillMap: { foundational: ['x'], technical: ['y'], soft: ['z'] } });
    const b = role({ skillMap: { foundational: ['x'], technical: ['q'], soft: ['z'] } });
    expect(compareSkills(a, b)).toEqual({ shared: ['x', 'z'], onlyA: ['y'], onlyB: ['q'] });
  });
  it('picks known roles, and keeps the same role twice rather than substituting another', () => {
    expect(pickPair(ROLE_SLUGS, 'operations-officer', 'operations-manager')).toEqual(['operations-officer', 'operations-manager']);
    const [a, b] = pickPair(ROLE_SLUGS, 'nope', 'operations-officer');
    expect(ROLE_SLUGS).toContain(a);
    expect(b).toBe('operations-officer');
    expect(pickPair(ROLE_SLUGS, 'operations-manager', 'operations-manager')).toEqual(['operations-manager', 'operations-manager']);
    const [c, d] = pickPair(ROLE_SLUGS, 'operations-manager', null);
    expect(d).not.toBe(c);
    expect(ROLE_SLUGS).toContain(d);
  });
});
