// Career-ladder and comparison logic over role guides. Pure: takes plain role
// data (as loaded from the content collection) and returns view data.
import type { Role, RoleSlug } from '#content/schema.ts';

export interface RoleEntry {
  id: RoleSlug | string;
  data: Role;
}

export function sortRoles<T extends RoleEntry>(roles: T[]): T[] {
  return [...roles].sort((a, b) => a.data.order - b.data.order || String(a.id).localeCompare(String(b.id)));
}

/** The headline pay figure of a role and what kind of figure it is. */
export function headlinePay(role: Role): { value: number; label: string; kind: 'median' | 'percentile-median' } | null {
  if (role.pay.levels?.median) return { value: role.pay.levels.median, label: 'median', kind: 'median' };
  if (role.pay.percentiles) {
    return {
      value: role.pay.percentiles.p50,
      label: `median of proxy occupation ${role.pay.proxy?.soc ?? ''}`.trim(),
      kind: 'percentile-median',
    };
  }
  return null;
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
