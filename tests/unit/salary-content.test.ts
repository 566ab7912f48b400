// The salary collection holds every seed figure exactly once, with its source,
// and the role guides' pay tables can never drift from the explorer's figures.
// Reads the YAML directly (no Astro), so a content edit fails here first.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ROLE_SLUGS, roleSchema, salaryFigureSchema, type RoleSlug, type SalaryFigure } from '#content/schema.ts';
import { bandOf, figureQualifier, regionOf } from '#domain/salary.ts';

const root = join(import.meta.dirname, '..', '..');
const raw = yaml.load(readFileSync(join(root, 'content/salaries.yaml'), 'utf8')) as unknown[];
const figures: SalaryFigure[] = raw.map((f) => salaryFigureSchema.parse(f));

function guidePay(slug: RoleSlug) {
  const src = readFileSync(join(root, 'content/roles', `${slug}.md`), 'utf8');
  return roleSchema.shape.pay.parse((yaml.load(/^---\n([\s\S]*?)\n---/.exec(src)![1]!) as { pay: unknown }).pay);
}

type Selector = Pick<SalaryFigure, 'role' | 'country' | 'city' | 'level' | 'percentile' | 'measure'>;
function matching(sel: Selector) {
  return figures.filter(
    (f) =>
      f.role === sel.role &&
      f.country === sel.country &&
      f.city === sel.city &&
      f.level === sel.level &&
      f.percentile === sel.percentile &&
      f.measure === sel.measure,
  );
}
/** The one figure a selector names; fails unless there is exactly one. */
function one(sel: Selector): SalaryFigure {
  const found = matching(sel);
  expect(
    found.map((f) => f.id),
    JSON.stringify(sel),
  ).toHaveLength(1);
  return found[0]!;
}

// Seed figures exactly as the source guides print them (see /work/shared/seeds and issue 7).
const US_SEEDS = {
  'operations-support-specialist': { range: [45000, 75000], median: 60000, entry: 49500, mid: 60000, senior: 70500, top10From: 75000 },
  'operations-officer': { range: [55000, 95000], median: 75000, entry: 61000, mid: 75000, senior: 89000, top10From: 95000 },
  'operations-coordinator': { range: [45000, 75000], median: 60000, entry: 49500, mid: 60000, senior: 70500, top10From: 75000 },
} as const;

// The "Behind the Scenes" article: gross monthly RON, excluding bonuses, for the support specialist.
const RO_SEEDS = {
  Bucharest: { entry: [4500, 7000], mid: [7000, 11000], senior: [11000, 15000] },
  'Cluj-Napoca': { entry: [4500, 6800], mid: [6800, 10500], senior: [10500, 14500] },
  Timisoara: { entry: [4200, 6500], mid: [6500, 9500], senior: [9500, 13500] },
  Iasi: { entry: [4000, 6200], mid: [6200, 9200], senior: [9200, 13000] },
} as const;

// BLS OEWS May 2025 percentiles and INS FOM121A October 2024 group averages (shared/facts.md).
const BLS = {
  'operations-assistant': { p10: 33280, p25: 38830, p50: 47540, p75: 58000, p90: 66350 },
  'operations-manager': { p10: 50090, p25: 72320, p50: 105770, p75: 167280, p90: 253390 },
} as const;
const INS = { 'operations-manager': [12250, 11758], 'operations-assistant': [6712, 6537] } as const;

function expectSourced(f: SalaryFigure, name: RegExp) {
  expect(f.source, f.id).toMatch(name);
  if (f.sourceUrl !== undefined) expect(() => new URL(f.sourceUrl!), f.id).not.toThrow();
}

describe('salary content', () => {
  it('validates and has unique ids', () => {
    expect(figures.length).toBeGreaterThan(0);
    expect(new Set(figures.map((f) => f.id)).size).toBe(figures.length);
  });

  it('holds each US seed figure exactly once, annual USD with no stated basis, with the guide as source', () => {
    for (const [role, s] of Object.entries(US_SEEDS) as [RoleSlug, (typeof US_SEEDS)[keyof typeof US_SEEDS]][]) {
      const base = { role, country: 'US' as const, city: null, percentile: null };
      const range = one({ ...base, level: null, measure: 'range' });
      expect([range.min, range.max], role).toEqual([...s.range]);
      expect(one({ ...base, level: 'all', measure: 'median' }).value, role).toBe(s.median);
      expect(one({ ...base, level: 'entry', measure: 'point' }).value, role).toBe(s.entry);
      expect(one({ ...base, level: 'mid', measure: 'point' }).value, role).toBe(s.mid);
      expect(one({ ...base, level: 'senior', measure: 'point' }).value, role).toBe(s.senior);
      expect(one({ ...base, level: null, measure: 'top10-from' }).value, role).toBe(s.top10From);
      const all = figures.filter((f) => f.role === role && f.country === 'US' && f.kind === 'role');
      expect(all, role).toHaveLength(6);
      for (const f of all) {
        // The guides head these "Annual Salary (US, USD)" and never say gross or net.
        expect([f.currency, f.period, f.basis, f.kind, f.dataYear], f.id).toEqual(['USD', 'annual', 'not-stated', 'role', null]);
        expectSourced(f, /career guide \(OpsPath source material\)/);
        // The source documents give no address for the guides, so none is shown.
        expect(f.sourceUrl, f.id).toBeUndefined();
      }
    }
  });

  it('holds each Romanian support-specialist seed range exactly once, monthly RON gross, with its source', () => {
    for (const [city, levels] of Object.entries(RO_SEEDS)) {
      for (const [level, [min, max]] of Object.entries(levels) as ['entry' | 'mid' | 'senior', readonly [number, number]][]) {
        const f = one({ role: 'operations-support-specialist', country: 'RO', city, level, percentile: null, measure: 'range' });
        expect([f.min, f.max], f.id).toEqual([min, max]);
        expect([f.currency, f.period, f.basis, f.kind, f.dataYear], f.id).toEqual(['RON', 'monthly', 'gross', 'role', null]);
        expectSourced(f, /Behind the Scenes/);
      }
    }
    const cityFigures = figures.filter((f) => f.country === 'RO' && f.city !== null);
    expect(cityFigures).toHaveLength(12);
  });

  it('labels BLS figures as percentiles of a proxy occupation, never as levels', () => {
    for (const [role, pct] of Object.entries(BLS) as [RoleSlug, Record<string, number>][]) {
      for (const [percentile, value] of Object.entries(pct)) {
        const f = one({
          role,
          country: 'US',
          city: null,
          level: null,
          percentile: percentile as SalaryFigure['percentile'],
          measure: 'point',
        });
        expect(f.value, f.id).toBe(value);
        expect([f.kind, f.dataYear, f.currency, f.period], f.id).toEqual(['proxy-occupation', 2025, 'USD', 'annual']);
        expect(f.proxyFor, f.id).toBeTruthy();
        expectSourced(f, /BLS Occupational Employment and Wage Statistics/);
      }
    }
  });

  it('labels the INS group averages as proxies for a group, not the role', () => {
    for (const [role, values] of Object.entries(INS) as [RoleSlug, readonly number[]][]) {
      const found = figures.filter((f) => f.role === role && f.country === 'RO' && f.measure === 'average');
      expect(found.map((f) => f.value).sort(), role).toEqual([...values].sort());
      for (const f of found) {
        expect([f.kind, f.city, f.level, f.percentile, f.dataYear, f.currency, f.period], f.id).toEqual([
          'proxy-group',
          null,
          null,
          null,
          2024,
          'RON',
          'monthly',
        ]);
        expect(f.proxyFor, f.id).toMatch(/ISCO-08 major group/);
        expectSourced(f, /^INS Romania/);
      }
    }
  });

  it('adds nothing for the officer or coordinator in Romania (the explorer says "No data")', () => {
    expect(figures.filter((f) => f.country === 'RO' && (f.role === 'operations-officer' || f.role === 'operations-coordinator'))).toEqual(
      [],
    );
  });

  it('maps every figure to an explorer region, and siblings of one kind can be told apart', () => {
    const seen = new Set<string>();
    for (const f of figures) {
      expect(regionOf(f), f.id).not.toBeNull();
      const key = [f.role, regionOf(f), bandOf(f), f.measure, figureQualifier(f)?.label ?? ''].join('|');
      expect(seen.has(key), `${f.id} duplicates ${key}`).toBe(false);
      seen.add(key);
    }
  });
});

describe('role guides and the explorer agree', () => {
  for (const role of ROLE_SLUGS) {
    it(`${role}: the guide's US pay equals the explorer's US figures`, () => {
      const pay = guidePay(role);
      const us = figures.filter((f) => f.role === role && f.country === 'US');
      const value = (level: SalaryFigure['level'], measure: SalaryFigure['measure']) =>
        us.find((f) => f.level === level && f.percentile === null && f.measure === measure)?.value ?? null;
      const range = us.find((f) => f.measure === 'range');
      const explorerLevels = {
        range: range ? { min: range.min, max: range.max } : null,
        median: value('all', 'median'),
        entry: value('entry', 'point'),
        mid: value('mid', 'point'),
        senior: value('senior', 'point'),
        top10From: value(null, 'top10-from'),
      };
      const hasLevels = Object.values(explorerLevels).some((v) => v !== null);
      expect(pay.levels).toEqual(hasLevels ? explorerLevels : null);

      const percentiles = Object.fromEntries(us.filter((f) => f.percentile).map((f) => [f.percentile, f.value]));
      expect(pay.percentiles).toEqual(Object.keys(percentiles).length ? percentiles : null);
      expect([pay.currency, pay.period]).toEqual(['USD', 'annual']);
    });
  }
});
