// Frameworks the organisation owns, the public face (ADR 035): the admin's
// targets page and its change, and learning resources on skills. Every read
// takes the actor and answers an Outcome after the access rule; every action
// authorizes itself and writes its audit row in the change's transaction.
// Other server code reads the targets in force through queries.ts
// (effectiveTargets, effectiveLadders), which this page shows too.
import { eq } from 'drizzle-orm';
import type { Catalogs } from '#catalog/catalogs.ts';
import { canAdministerOrganisation, type Actor } from '#domain/access.ts';
import { parseId, type FormValues } from '#domain/fields.ts';
import {
  effectiveTargetsOf,
  isNoChange,
  latestOverrides,
  resourceForm,
  targetChangeOf,
  targetForm,
  type EffectiveTarget,
  type TargetOverrideRow,
} from '#domain/frameworks.ts';
import { tierOf } from '#domain/skills-matrix.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { learningResources, skillTargetOverrides, type LearningResource } from '#server/db/schema.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { listOrgSkills, type OrgSkill } from '#server/skills/queries.ts';
import { getResource, resourcesBySkill, targetHistory } from './queries.ts';

export { effectiveLadders, effectiveTargets, resourcesBySkill } from './queries.ts';
export type { EffectiveTarget } from '#domain/frameworks.ts';

type LadderCatalog = Pick<Catalogs, 'ladders'>;

export type TargetsPage = {
  roles: { slug: string; title: string; tiers: { id: string; title: string }[] }[];
  role: { slug: string; title: string };
  tier: { id: string; title: string };
  /** The targets in force for the chosen role and tier, with skill names. */
  targets: (EffectiveTarget & { name: string })[];
  /** Every skill the organisation uses, for the change form. */
  skills: OrgSkill[];
  /** This role and tier's changes, newest first. */
  history: (TargetOverrideRow & { name: string })[];
};

/**
 * The admin's targets page for one role and tier (the query's, else the first
 * role's first tier). Only admins: the targets are the organisation's.
 */
export async function targetsPage(
  db: Executor,
  actor: Actor,
  params: URLSearchParams,
  catalogs: LadderCatalog,
): Promise<Outcome<TargetsPage>> {
  if (!canAdministerOrganisation(actor)) return forbidden('Only admins set the organisation’s targets.');
  const ladder = catalogs.ladders.find((l) => l.slug === params.get('role')) ?? catalogs.ladders[0];
  const tier = ladder?.tiers.find((t) => t.id === params.get('tier')) ?? ladder?.tiers[0];
  if (!ladder || !tier) return notFound();
  const [skills, history] = await Promise.all([listOrgSkills(db, actor.orgId), targetHistory(db, actor.orgId)]);
  const names = new Map(skills.map((s) => [s.id, s.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const targets = effectiveTargetsOf(tier.targets, ladder.slug, tier.id, latestOverrides(history));
  return ok({
    roles: catalogs.ladders.map((l) => ({ slug: l.slug, title: l.title, tiers: l.tiers.map((t) => ({ id: t.id, title: t.title })) })),
    role: { slug: ladder.slug, title: ladder.title },
    tier: { id: tier.id, title: tier.title },
    targets: targets.map((t) => ({ ...t, name: nameOf(t.skillId) })),
    skills,
    history: history
      .filter((h) => h.jobRole === ladder.slug && h.tier === tier.id)
      .reverse()
      .map((h) => ({ ...h, name: nameOf(h.skillId) })),
  });
}

export type TargetSet = { jobRole: string; tier: string; skillId: string };

/**
 * An admin sets the organisation's target for a role, tier and skill, removes
 * it ("none"), or hands it back to OpsPath's suggestion. A new history row
 * each time, with the level it replaces; a change that changes nothing is refused.
 */
export async function setTarget(db: Db, ctx: ActionContext, form: FormValues, catalogs: LadderCatalog): Promise<Outcome<TargetSet>> {
  if (!canAdministerOrganisation(ctx.actor)) return forbidden('Only admins set the organisation’s targets.');
  const parsed = parseInput(targetForm, form);
  if (!parsed.ok) return parsed;
  const { jobRole, tier, skillId, level } = parsed.value;
  const suggestedTier = tierOf(catalogs.ladders, jobRole, tier);
  if (!suggestedTier) return invalid({ tier: 'Choose one of the guides’ roles and tiers.' });
  const change = targetChangeOf(level);
  return db.transaction(async (tx) => {
    const skills = await listOrgSkills(tx, ctx.actor.orgId);
    if (!skills.some((s) => s.id === skillId)) return invalid({ skillId: 'Choose one of your organisation’s skills.' });
    const inForce = effectiveTargetsOf(suggestedTier.targets, jobRole, tier, latestOverrides(await targetHistory(tx, ctx.actor.orgId)));
    const current = inForce.find((t) => t.skillId === skillId);
    if (isNoChange(current, change)) {
      return invalid({ level: change.revert ? 'This target already is OpsPath’s suggestion.' : 'This is already the target in force.' });
    }
    const previousLevel = current?.level ?? null;
    await tx.insert(skillTargetOverrides).values({
      orgId: ctx.actor.orgId,
      jobRole,
      tier,
      skillId,
      level: change.level,
      previousLevel,
      revert: change.revert,
      setByUserId: ctx.actor.id,
      setAt: ctx.now,
    });
    await writeActorAudit(
      tx,
      ctx,
      'skill.target_set',
      { type: 'skill', id: skillId },
      {
        before: { jobRole, tier, skillId, level: previousLevel, source: current?.source.kind ?? 'suggestion' },
        after: {
          jobRole,
          tier,
          skillId,
          level: change.revert ? (current?.suggested ?? null) : change.level,
          source: change.revert ? 'suggestion' : 'organisation',
        },
      },
    );
    return ok({ jobRole, tier, skillId });
  });
}

// --- learning resources -------------------------------------------------------------------

export type ResourcesPage = { skills: OrgSkill[]; resources: Map<string, LearningResource[]> };

/** The admin's page of learning resources, by skill. */
export async function resourcesPage(db: Executor, actor: Actor): Promise<Outcome<ResourcesPage>> {
  if (!canAdministerOrganisation(actor)) return forbidden('Only admins manage learning resources.');
  const [skills, resources] = await Promise.all([listOrgSkills(db, actor.orgId), resourcesBySkill(db, actor.orgId)]);
  return ok({ skills, resources });
}

const snapshot = (r: Pick<LearningResource, 'skillId' | 'title' | 'url' | 'kind' | 'minutes'>) => ({
  skillId: r.skillId,
  title: r.title,
  url: r.url,
  kind: r.kind,
  minutes: r.minutes,
});

export async function addResource(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<LearningResource>> {
  if (!canAdministerOrganisation(ctx.actor)) return forbidden('Only admins manage learning resources.');
  const parsed = parseInput(resourceForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  return db.transaction(async (tx) => {
    const skills = await listOrgSkills(tx, ctx.actor.orgId);
    if (!skills.some((s) => s.id === input.skillId)) return invalid({ skillId: 'Choose one of your organisation’s skills.' });
    const [created] = await tx
      .insert(learningResources)
      .values({ orgId: ctx.actor.orgId, ...input, createdByUserId: ctx.actor.id, createdAt: ctx.now })
      .returning();
    await writeActorAudit(tx, ctx, 'skill.resource_added', { type: 'skill', id: input.skillId }, { after: snapshot(created!) });
    return ok(created!);
  });
}

/** Removes a resource of the actor's organisation; another organisation's id is "not found". */
export async function removeResource(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<LearningResource>> {
  if (!canAdministerOrganisation(ctx.actor)) return forbidden('Only admins manage learning resources.');
  const id = parseId(form.resourceId);
  if (id === null) return notFound();
  return db.transaction(async (tx) => {
    const resource = await getResource(tx, ctx.actor.orgId, id);
    if (!resource) return notFound();
    await tx.delete(learningResources).where(eq(learningResources.id, id));
    await writeActorAudit(tx, ctx, 'skill.resource_removed', { type: 'skill', id: resource.skillId }, { before: snapshot(resource) });
    return ok(resource);
  });
}
