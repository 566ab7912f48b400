// Job roles and their tiers, as the people forms and the demo seed need them.
// The guides in content/roles/<slug>.md own the tier ids; the database stores
// them as text, so they are checked here, where data comes in. A guide that is
// not written yet gets a generic ladder, so accounts work before the content.
import { ROLE_SLUGS, type RoleSlug } from '#content/schema.ts';

export type TierOption = { id: string; title: string };
export type JobRoleOption = { slug: RoleSlug; title: string; tiers: TierOption[]; fromGuide: boolean };
export type JobRoleCatalog = JobRoleOption[];

export const FALLBACK_TIERS: TierOption[] = [
  { id: 'junior', title: 'Junior' },
  { id: 'mid', title: 'Mid-level' },
  { id: 'senior', title: 'Senior' },
];

/** 'operations-support-specialist' -> 'Operations support specialist'. */
export function titleFromSlug(slug: string): string {
  const words = slug.split('-').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

type GuideData = { title?: unknown; tiers?: unknown };

function tiersOf(data: GuideData): TierOption[] | null {
  if (!Array.isArray(data.tiers)) return null;
  const tiers = data.tiers
    .filter((t): t is { id: string; title?: unknown } => typeof t === 'object' && t !== null && typeof t.id === 'string')
    .map((t) => ({ id: t.id, title: typeof t.title === 'string' ? t.title : titleFromSlug(t.id) }));
  return tiers.length > 0 ? tiers : null;
}

/**
 * Builds the catalog from whatever guides exist (Astro collection entries or
 * parsed frontmatter), in ladder order, filling gaps with the fallback.
 */
export function buildCatalog(guides: ReadonlyMap<string, GuideData>): JobRoleCatalog {
  return ROLE_SLUGS.map((slug) => {
    const data = guides.get(slug);
    const tiers = data ? tiersOf(data) : null;
    return {
      slug,
      title: data && typeof data.title === 'string' ? data.title : titleFromSlug(slug),
      tiers: tiers ?? FALLBACK_TIERS,
      fromGuide: tiers !== null,
    };
  });
}

export function findJobRole(catalog: JobRoleCatalog, slug: string | null | undefined) {
  return catalog.find((r) => r.slug === slug);
}

export function isValidPosition(catalog: JobRoleCatalog, jobRole: string, tier: string): boolean {
  return findJobRole(catalog, jobRole)?.tiers.some((t) => t.id === tier) ?? false;
}

/** "Operations coordinator · Senior", or what is known when the guide changed under the data. */
export function describePosition(catalog: JobRoleCatalog, jobRole: string | null, tier: string | null): string {
  if (!jobRole) return 'No job role set';
  const role = findJobRole(catalog, jobRole);
  const roleTitle = role?.title ?? titleFromSlug(jobRole);
  if (!tier) return roleTitle;
  const tierTitle = role?.tiers.find((t) => t.id === tier)?.title ?? `${titleFromSlug(tier)} (tier no longer in the guide)`;
  return `${roleTitle} · ${tierTitle}`;
}

/** The single "Role and tier" select sends `<role slug>/<tier id>`: one field, so the two cannot disagree. */
export const positionValue = (jobRole: string, tier: string) => `${jobRole}/${tier}`;

export function parsePosition(value: string): { jobRole: string; tier: string } | null {
  const [jobRole, tier, ...rest] = value.split('/');
  return jobRole && tier && rest.length === 0 ? { jobRole, tier } : null;
}
