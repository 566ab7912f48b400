import { describe, it, expect } from 'vitest';
import { figureLabel, figureShortLabel, figureValue, unlikeFigures, type Figure } from '#domain/figure.ts';
import { growthFigure, headlineFigure, payFigure } from '#domain/roles.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';

const guideMedian: Figure = {
  amount: { value: 60000 },
  unit: 'USD',
  period: 'annual',
  basis: 'not-stated',
  kind: 'median',
  measure: 'median',
  source: 'Operations Coordinator career guide',
  year: 'not stated',
};
const proxyMedian: Figure = {
  ...guideMedian,
  amount: { value: 105770 },
  kind: 'proxy-occupation',
  source: 'BLS OEWS May 2025',
  year: 2025,
  proxy: { soc: '11-1021', title: 'General and Operations Managers' },
};

describe('figure labels', () => {
  it('shows amounts, ranges, percentages and a missing figure', () => {
    expect(figureValue(guideMedian)).toBe('$60,000');
    expect(figureValue({ ...guideMedian, amount: { min: 45000, max: 75000 } })).toBe('$45,000–$75,000');
    expect(figureValue({ ...guideMedian, unit: 'percent', amount: { value: -1.6 } })).toBe('−1.6%');
    expect(figureValue({ ...guideMedian, amount: null })).toBe('No figure published');
  });

  it('names kind, period, basis, source and year, saying "not stated" where the source says nothing', () => {
    expect(figureLabel(guideMedian)).toBe('Median · annual, basis not stated · Operations Coordinator career guide · year not stated');
    expect(figureLabel(proxyMedian)).toBe(
      'Median, for proxy occupation SOC 11-1021 General and Operations Managers · annual, basis not stated · BLS OEWS May 2025 · 2025',
    );
    expect(figureLabel({ ...guideMedian, kind: 'published-level', measure: 'entry level', basis: 'gross' })).toBe(
      'Entry level, published level · annual, gross · Operations Coordinator career guide · year not stated',
    );
    expect(figureShortLabel(proxyMedian)).toBe('median, proxy SOC 11-1021 · BLS OEWS May 2025 · 2025');
  });

  it('a percentage has no pay basis but keeps its period, or says it has none', () => {
    const growth: Figure = {
      ...guideMedian,
      unit: 'percent',
      amount: { value: 7 },
      kind: 'projection',
      measure: 'growth rate',
      period: 'not stated',
    };
    expect(figureLabel(growth)).toBe('Growth rate, projection · period not stated · Operations Coordinator career guide · year not stated');
  });

  it('says when two figures set side by side are not alike, and is silent when they are', () => {
    expect(unlikeFigures(guideMedian, { ...guideMedian, source: 'Operations Coordinator career guide' })).toBeNull();
    const note = unlikeFigures(guideMedian, proxyMedian)!;
    expect(note).toContain('of different kinds (median and proxy occupation)');
    expect(note).toContain('one for the role itself, one for a proxy occupation');
    expect(note).toContain('for different years (year not stated and 2025)');
  });
});

describe('role figures from the guides', () => {
  const roles = new Map(loadCatalogsFromDisk().roles.map((r) => [r.id, r.data]));

  it("labels a guide median as the guide's, with no year and no stated basis", () => {
    const f = headlineFigure(roles.get('operations-officer')!)!;
    expect([f.kind, f.amount, f.basis, f.year]).toEqual(['median', { value: 75000 }, 'not-stated', 'not stated']);
    expect(f.source).toContain('Operations Officer');
  });

  it('labels a BLS median as a proxy occupation with its year, never as a level', () => {
    const f = headlineFigure(roles.get('operations-manager')!)!;
    expect([f.kind, f.amount, f.year, f.proxy?.soc]).toEqual(['proxy-occupation', { value: 105770 }, 2025, '11-1021']);
    expect(figureLabel(f)).not.toMatch(/level/i);
  });

  it("keeps the guides' growth rates apart from BLS projections for proxy occupations", () => {
    const guide = growthFigure(roles.get('operations-coordinator')!);
    const bls = growthFigure(roles.get('operations-assistant')!);
    expect([guide.amount, guide.period, guide.year, guide.proxy]).toEqual([{ value: 7 }, 'not stated', 'not stated', undefined]);
    expect([bls.amount, bls.period, bls.year, bls.proxy?.soc]).toEqual([{ value: -1.6 }, '2024-34', 2024, '43-6014']);
    expect(unlikeFigures(guide, bls)).toContain('one for the role itself, one for a proxy occupation');
  });

  it("carries the officer guide's levels exactly", () => {
    const officer = roles.get('operations-officer')!;
    expect(payFigure(officer, 'entry').amount).toEqual({ value: 61000 });
    expect(payFigure(officer, 'senior').amount).toEqual({ value: 89000 });
    expect(payFigure(officer, 'range').amount).toEqual({ min: 55000, max: 95000 });
  });
});
