import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { roleSchema, salaryFigureSchema, tierSchema, certificationSchema, ROLE_SLUGS } from '#content/schema.ts';
import { validateContent } from '#catalog/validate.ts';

const contentDir = join(import.meta.dirname, '..', '..', 'content');
function frontmatter(slug: string) {
  const src = readFileSync(join(contentDir, 'roles', `${slug}.md`), 'utf8');
  return yaml.load(/^---\n([\s\S]*?)\n---/.exec(src)![1]!) as Record<string, unknown>;
}

describe('content', () => {
  it('all content validates, with every cross-reference resolving', () => {
    expect(validateContent(contentDir)).toEqual([]);
  });

  it('has exactly the five role guides', () => {
    const files = readdirSync(join(contentDir, 'roles'))
      .filter((f) => f.endsWith('.md'))
      .sort();
    expect(files).toEqual([...ROLE_SLUGS].map((s) => `${s}.md`).sort());
    const orders = ROLE_SLUGS.map((s) => roleSchema.parse(frontmatter(s)).order).sort();
    expect(orders).toEqual([1, 2, 3, 4, 5]);
  });

  it('never labels BLS percentiles as pay levels', () => {
    for (const slug of ['operations-assistant', 'operations-manager']) {
      const role = roleSchema.parse(frontmatter(slug));
      expect(role.pay.levels, slug).toBeNull();
      expect(role.pay.percentiles, slug).not.toBeNull();
      expect(role.pay.proxy?.soc, slug).toMatch(/^\d{2}-\d{4}$/);
    }
  });

  it('carries the seed pay figures exactly into the guides', () => {
    // Support specialists and coordinators share one seed pay band.
    const entryBand = { range: { min: 45000, max: 75000 }, median: 60000, entry: 49500, mid: 60000, senior: 70500, top10From: 75000 };
    const levels = {
      'operations-support-specialist': entryBand,
      'operations-coordinator': entryBand,
      'operations-officer': { range: { min: 55000, max: 95000 }, median: 75000, entry: 61000, mid: 75000, senior: 89000, top10From: 95000 },
    } as const;
    for (const [slug, expected] of Object.entries(levels)) {
      expect(roleSchema.parse(frontmatter(slug)).pay.levels, slug).toEqual(expected);
    }
    const percentiles = {
      'operations-manager': { p10: 50090, p25: 72320, p50: 105770, p75: 167280, p90: 253390 },
      'operations-assistant': { p10: 33280, p25: 38830, p50: 47540, p75: 58000, p90: 66350 },
    } as const;
    for (const [slug, expected] of Object.entries(percentiles)) {
      expect(roleSchema.parse(frontmatter(slug)).pay.percentiles, slug).toEqual(expected);
    }
  });

  it('carries the seed tier years exactly', () => {
    const years = (slug: string) => roleSchema.parse(frontmatter(slug)).tiers.map((t) => [t.yearsMin, t.yearsMax]);
    expect(years('operations-support-specialist')).toEqual([
      [0, 2],
      [2, 5],
      [5, 8],
      [8, null],
    ]);
    expect(years('operations-coordinator')).toEqual([
      [0, 2],
      [2, 5],
      [5, 8],
      [8, null],
    ]);
    expect(years('operations-officer')).toEqual([
      [0, 2],
      [2, 5],
      [5, 10],
      [10, null],
    ]);
  });
});

describe('schemas reject bad content with the field named', () => {
  const good = frontmatter('operations-officer');

  it('names a missing field', () => {
    const { summary: _s, ...bad } = good;
    const r = roleSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain('summary');
  });

  // A valid tier; each case below breaks one thing about it.
  const tier = { id: 'x', title: 'X', yearsMin: 0, yearsMax: 2, payLevel: null, description: 'd', focus: ['f'], targets: {} };

  it('rejects a tier whose years run backwards', () => {
    const r = tierSchema.safeParse({ ...tier, yearsMin: 5, yearsMax: 2 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['yearsMax']);
  });

  it('rejects target levels outside the 0-4 scale', () => {
    const r = tierSchema.safeParse({ ...tier, targets: { 'sql-basics': 5 } });
    expect(r.success).toBe(false);
  });

  it('requires a note when a figure is missing', () => {
    const bad = structuredClone(good) as { outlook: { growth: { value: number | null; note?: string } } };
    bad.outlook.growth.value = null;
    delete bad.outlook.growth.note;
    const r = roleSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error!.issues.some((i) => i.path.join('.').endsWith('note'))).toBe(true);
  });

  it('refuses a salary figure that is both a level and a percentile, and an unlabelled proxy', () => {
    const base = {
      id: 'x',
      role: 'operations-manager',
      country: 'US',
      city: null,
      measure: 'point',
      min: null,
      max: null,
      value: 1,
      currency: 'USD',
      period: 'annual',
      basis: 'gross',
      source: 's',
      dataYear: 2025,
    };
    expect(salaryFigureSchema.safeParse({ ...base, level: 'mid', percentile: 'p50', kind: 'role' }).success).toBe(false);
    expect(salaryFigureSchema.safeParse({ ...base, level: null, percentile: 'p50', kind: 'proxy-occupation' }).success).toBe(false);
    expect(
      salaryFigureSchema.safeParse({ ...base, level: null, percentile: 'p50', kind: 'proxy-occupation', proxyFor: 'SOC 11-1021' }).success,
    ).toBe(true);
  });

  it('requires certification validity to be months, lifetime or an explained unknown', () => {
    const base = { id: 'x', name: 'X', shortName: 'X', issuer: 'I', renewalRule: 'r', source: 's', confidence: 'high' };
    expect(certificationSchema.safeParse({ ...base, validity: { kind: 'months', months: 36 } }).success).toBe(true);
    expect(certificationSchema.safeParse({ ...base, validity: { kind: 'unknown' } }).success).toBe(false);
    expect(certificationSchema.safeParse({ ...base, validity: { kind: 'months', months: 0 } }).success).toBe(false);
  });
});
