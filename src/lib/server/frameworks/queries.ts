// Unchecked reads of an organisation's framework: its target overrides, the
// targets in force, and its learning resources. For this feature, the skills
// pages' server code, the reviews and tests; nothing here authorizes.
import { and, asc, desc, eq } from 'drizzle-orm';
import { applyOverrides, effectiveTargetsOf, latestOverrides, type EffectiveTarget, type TargetOverrideRow } from '#domain/frameworks.ts';
import type { Ladder } from '#domain/skills.ts';
import { tierOf } from '#domain/skills-matrix.ts';
import type { Executor } from '#server/db/client.ts';
import { learningResources, skillTargetOverrides, users, type LearningResource } from '#server/db/schema.ts';

/** Every target change of an organisation, oldest first, with who made it. */
export async function targetHistory(db: Executor, orgId: number): Promise<TargetOverrideRow[]> {
  const rows = await db
    .select({
      id: skillTargetOverrides.id,
      jobRole: skillTargetOverrides.jobRole,
      tier: skillTargetOverrides.tier,
      skillId: skillTargetOverrides.skillId,
      level: skillTargetOverrides.level,
      previousLevel: skillTargetOverrides.previousLevel,
      revert: skillTargetOverrides.revert,
      setByName: users.displayName,
      setAt: skillTargetOverrides.setAt,
    })
    .from(skillTargetOverrides)
    .innerJoin(users, eq(users.id, skillTargetOverrides.setByUserId))
    .where(eq(skillTargetOverrides.orgId, orgId))
    .orderBy(asc(skillTargetOverrides.id));
  return rows.map((r) => ({ ...r, setAt: r.setAt.getTime() }));
}

/**
 * The content's ladders with the organisation's targets in force: what every
 * app page that compares people with targets reads (matrix, export, person
 * pages, dashboard). The public self-check keeps the content's ladders.
 */
export async function effectiveLadders(db: Executor, orgId: number, ladders: readonly Ladder[]): Promise<Ladder[]> {
  return applyOverrides(ladders, latestOverrides(await targetHistory(db, orgId)));
}

/**
 * THE targets in force for one organisation, role and tier, each with its
 * source (OpsPath's suggestion, or the organisation with who and when).
 * Empty when the role or tier is unknown and the organisation set nothing.
 */
export async function effectiveTargets(
  db: Executor,
  orgId: number,
  ladders: readonly Ladder[],
  jobRole: string,
  tier: string,
): Promise<EffectiveTarget[]> {
  const overrides = latestOverrides(await targetHistory(db, orgId));
  return effectiveTargetsOf(tierOf(ladders, jobRole, tier)?.targets ?? null, jobRole, tier, overrides);
}

/** An organisation's learning resources by skill id, each skill's in the order they were added. */
export async function resourcesBySkill(db: Executor, orgId: number): Promise<Map<string, LearningResource[]>> {
  const rows = await db
    .select()
    .from(learningResources)
    .where(eq(learningResources.orgId, orgId))
    .orderBy(asc(learningResources.skillId), asc(learningResources.id));
  const bySkill = new Map<string, LearningResource[]>();
  for (const r of rows) bySkill.set(r.skillId, [...(bySkill.get(r.skillId) ?? []), r]);
  return bySkill;
}

export async function getResource(db: Executor, orgId: number, id: number): Promise<LearningResource | undefined> {
  const [row] = await db
    .select()
    .from(learningResources)
    .where(and(eq(learningResources.orgId, orgId), eq(learningResources.id, id)))
    .orderBy(desc(learningResources.id))
    .limit(1);
  return row;
}
