// Career-ladder and comparison logic over role guides. Pure: takes plain role
// data (as loaded from the content collection) and returns view data.
import type { Role, RoleSlug } from '#content/schema.ts';
import type { Figure } from './figure.ts';

export interface RoleEntry {
  id: RoleSlug | string;
  data: Role;
}

export function sortRoles<T extends RoleEntry>(roles: T[]): T[] {
  return [...roles].sort((a, b) => a.data.order - b.data.order || String(a.id).localeCompare(String(b.id)));
}

const PAY_MEASURES = {
  median: 'median',
  entry: 'entry level',
  mid: 'mid level',
  senior: 'senior level',
  top10From: 'top 10% earn from',
} as const;
const PERCENTILE_MEASURES = {
  p10: '10th percentile',
  p25: '25th percentile',
  p50: 'median',
  p75: '75th percentile',
  p90: '90th percentile',
} as const;

/**
 * A role's US pay figure as the guide's source publishes it. The career guides
 * head their figures "Annual Salary (US, USD)" and never say gross or net, so
 * the basis is 'not stated'; BLS OEWS figures are a proxy occupation's.
 */
export function payFigure(role: Role, which: keyof typeof PAY_MEASURES | keyof typeof PERCENTILE_MEASURES | 'range'): Figure {
  const pay = role.pay;
  const base = { unit: 'USD', period: 'annual', basis: 'not-stated', source: pay.source, year: pay.year ?? 'not stated' } as const;
  if (which === 'range') {
    const range = pay.levels?.range;
    return { ...base, kind: 'published-level', measure: 'typical range', amount: range ? { min: range.min, max: range.max } : null };
  }
  if (which in PERCENTILE_MEASURES) {
    const key = which as keyof typeof PERCENTILE_MEASURES;
    const value = pay.percentiles?.[key];
    return {
      ...base,
      kind: pay.proxy ? 'proxy-occupation' : 'percentile',
      measure: PERCENTILE_MEASURES[key],
      amount: value ? { value } : null,
      ...(pay.proxy ? { proxy: { soc: pay.proxy.soc, title: pay.proxy.title } } : {}),
    };
  }
  const key = which as keyof typeof PAY_MEASURES;
  const value = pay.levels?.[key];
  return { ...base, kind: key === 'median' ? 'median' : 'published-level', measure: PAY_MEASURES[key], amount: value ? { value } : null };
}

/** The headline pay figure: the guide's published median, else the proxy occupation's median, else null. */
export function headlineFigure(role: Role): Figure | null {
  if (role.pay.levels?.median) return payFigure(role, 'median');
  if (role.pay.percentiles) return payFigure(role, 'p50');
  return null;
}

/** The growth figure with its period, source and proxy, so it is never set beside another without them. */
export function growthFigure(role: Role): Figure {
  const g = role.outlook.growth;
  return {
    amount: g.value === null ? null : { value: g.value },
    unit: 'percent',
    period: g.period ?? 'not stated',
    basis: 'not-stated',
    kind: 'projection',
    measure: g.proxy ? 'projected change in employment' : 'growth rate',
    source: g.source,
    year: g.year ?? 'not stated',
    ...(g.proxy ? { proxy: g.proxy } : {}),
    ...(g.value === null && g.note ? { note: g.note } : {}),
  };
}

/** Experience span of the whole ladder for a role, e.g. {min: 0, max: null}. */
export function experienceSpan(role: Role): { min: number; max: number | null } {
  const min = Math.min(...role.tiers.map((t) => t.yearsMin));
  const max = role.tiers.some((t) => t.yearsMax === null) ? null : Math.max(...role.tiers.map((t) => t.yearsMax ?? 0));
  return { min, max };
}

export interface SkillComparison {
  shared: string[];
  onlyA: string[];
  onlyB: string[];
}

function allSkills(role: Role): string[] {
  return [...role.skillMap.foundational, ...role.skillMap.technical, ...role.skillMap.soft];
}

export function compareSkills(a: Role, b: Role): SkillComparison {
  const sa = new Set(allSkills(a));
  const sb = new Set(allSkills(b));
  return {
    shared: [...sa].filter((s) => sb.has(s)),
    onlyA: [...sa].filter((s) => !sb.has(s)),
    onlyB: [...sb].filter((s) => !sa.has(s)),
  };
}

export function compareCertifications(a: Role, b: Role): SkillComparison {
  const ca = new Set(a.certifications);
  const cb = new Set(b.certifications);
  return {
    shared: [...ca].filter((c) => cb.has(c)),
    onlyA: [...ca].filter((c) => !cb.has(c)),
    onlyB: [...cb].filter((c) => !ca.has(c)),
  };
}

/**
 * Reads a comparison pair from query values, falling back to neighbours on the
 * ladder for a missing or unknown role. The same role twice stays the same
 * role twice: its page says so and offers the others, rather than quietly
 * comparing with a role nobody chose.
 */
export function pickPair(slugs: readonly string[], a: string | null, b: string | null): [string, string] {
  const first = a && slugs.includes(a) ? a : (slugs[1] ?? slugs[0]!);
  let second = b && slugs.includes(b) ? b : undefined;
  if (!second) second = slugs[slugs.indexOf(first) + 1] ?? slugs[slugs.indexOf(first) - 1] ?? first;
  return [first, second];
}

/** Slugify a heading for in-page anchors. */
export function anchor(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
