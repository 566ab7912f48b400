// Reading the one career ladder (content/ladder.yaml, decision 020): where a
// role sits, what each tier's years rest on, and where the sources disagree.
// Pure: takes the validated ladder, returns view data.
import type { LadderContent, RoleSlug } from '#content/schema.ts';
import { formatYears } from './format.ts';

export type LadderTier = LadderContent['tiers'][RoleSlug][number];
export type SourcesDiffer = LadderContent['sourcesDiffer'][number];

/** "Junior Operations Officer / Operations Coordinator" carries two titles. */
export function titleParts(title: string): string[] {
  return title
    .split(' / ')
    .map((t) => t.trim())
    .filter(Boolean);
}

export const yearsText = ([min, max]: readonly [number, number | null]) => formatYears(min, max);

export function sourceName(ladder: LadderContent, id: string): string {
  return ladder.sources.find((s) => s.id === id)?.name ?? id;
}

export function isGuidance(ladder: LadderContent, id: string): boolean {
  return ladder.sources.find((s) => s.id === id)?.guidance ?? false;
}

export function ladderTier(ladder: LadderContent, role: RoleSlug, tier: string): LadderTier | undefined {
  return ladder.tiers[role]?.find((t) => t.tier === tier);
}

/** The rung (1 = entry) a role sits on, the rung count, and the roles beside it. */
export function rungOf(ladder: LadderContent, role: RoleSlug): { rung: number; of: number; beside: RoleSlug[] } {
  const index = ladder.rungs.findIndex((r) => r.roles.includes(role));
  const roles = ladder.rungs[index]?.roles ?? [];
  return { rung: index + 1, of: ladder.rungs.length, beside: roles.filter((r) => r !== role) };
}

/** Every title on the ladder with each distinct year range it is given, and where. */
export function yearRangesByTitle(ladder: LadderContent): Map<string, Map<string, { role: RoleSlug; tier: string }[]>> {
  const byTitle = new Map<string, Map<string, { role: RoleSlug; tier: string }[]>>();
  for (const [role, tiers] of Object.entries(ladder.tiers) as [RoleSlug, LadderTier[]][]) {
    for (const t of tiers) {
      for (const title of titleParts(t.title)) {
        const ranges = byTitle.get(title) ?? new Map();
        const key = yearsText(t.years);
        ranges.set(key, [...(ranges.get(key) ?? []), { role, tier: t.tier }]);
        byTitle.set(title, ranges);
      }
    }
  }
  return byTitle;
}

/**
 * Titles given two or more year ranges with no "sources differ" record that
 * names each of those ranges: the ladder would tell two stories silently.
 */
export function unrecordedDisagreements(ladder: LadderContent): string[] {
  const problems: string[] = [];
  for (const [title, ranges] of yearRangesByTitle(ladder)) {
    if (ranges.size < 2) continue;
    const record = ladder.sourcesDiffer.find((d) => d.title === title);
    if (!record) {
      problems.push(`"${title}" has ${[...ranges.keys()].join(' and ')} with no sourcesDiffer record`);
      continue;
    }
    const claimed = new Set(record.claims.map((c) => yearsText(c.years)));
    for (const range of ranges.keys()) {
      if (!claimed.has(range)) problems.push(`"${title}": the sourcesDiffer record has no claim for ${range}`);
    }
  }
  return problems;
}

/** The "sources differ" records that concern a tier (any of its titles). */
export function differencesFor(ladder: LadderContent, title: string): SourcesDiffer[] {
  const parts = new Set(titleParts(title));
  return ladder.sourcesDiffer.filter((d) => parts.has(d.title));
}

/** "the coordinator guide says 8+ years; the officer guide says 5–10 years" */
export function claimsSentence(ladder: LadderContent, record: SourcesDiffer): string {
  return record.claims.map((c) => `${sourceName(ladder, c.source)} says ${yearsText(c.years)} (${c.says})`).join('; ');
}
