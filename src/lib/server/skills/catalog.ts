// The skill catalog: the sync of content/skills.yaml into the database (run
// on start, by the CLI and the seed), the catalog page, and admins' own
// skills. createSkill authorizes itself and writes its audit row in the same
// transaction as the skill.
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { SkillEntry } from '#catalog/catalogs.ts';
import { isAdmin, type Actor } from '#domain/access.ts';
import { choiceOf, requiredText, type FormValues } from '#domain/fields.ts';
import { CATEGORY_LABELS, skillIdFromName, type SkillCategory } from '#domain/skills-matrix.ts';
import { writeActorAudit, writeAudit } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { SKILL_CATEGORY_VALUES, skills, type Skill } from '#server/db/schema.ts';
import { forbidden, invalid, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { listOrgSkills, type OrgSkill } from './queries.ts';

// --- catalog ------------------------------------------------------------------------

export type SyncResult = { added: number; updated: number; retired: number };

/**
 * Makes the catalog skills in the database match content/skills.yaml: upsert
 * by id, retire (never delete: ratings point at them) catalog skills no longer
 * listed. Running it twice changes nothing the second time, and it writes an
 * audit row only when something changed. Use inside a transaction (`tx`).
 */
export async function syncSkillCatalogIn(tx: Executor, entries: readonly SkillEntry[], now = new Date()): Promise<SyncResult> {
  const existing = new Map((await tx.select().from(skills)).map((s) => [s.id, s]));
  const result: SyncResult = { added: 0, updated: 0, retired: 0 };
  const listed = new Set<string>();
  for (const [position, entry] of entries.entries()) {
    listed.add(entry.id);
    const want = {
      name: entry.name,
      category: entry.category,
      description: entry.description,
      source: 'content' as const,
      orgId: null,
      position,
      active: true,
    };
    const have = existing.get(entry.id);
    if (!have) {
      await tx.insert(skills).values({ id: entry.id, ...want, createdAt: now, updatedAt: now });
      result.added++;
    } else if (
      have.name !== want.name ||
      have.category !== want.category ||
      have.description !== want.description ||
      have.source !== 'content' ||
      have.orgId !== null ||
      have.position !== position ||
      !have.active
    ) {
      // An admin's skill whose id the catalog later adopts becomes a catalog skill, keeping its ratings.
      await tx
        .update(skills)
        .set({ ...want, updatedAt: now })
        .where(eq(skills.id, entry.id));
      result.updated++;
    }
  }
  for (const have of existing.values()) {
    if (have.source === 'content' && have.active && !listed.has(have.id)) {
      await tx.update(skills).set({ active: false, updatedAt: now }).where(eq(skills.id, have.id));
      result.retired++;
    }
  }
  if (result.added + result.updated + result.retired > 0) {
    // Nobody acts here: the content changed, and the sync (on start, the CLI, the seed) follows it.
    await writeAudit(tx, {
      orgId: null,
      actorUserId: null,
      action: 'skill.catalog_synced',
      at: now,
      after: { ...result, catalogSize: entries.length },
    });
  }
  return result;
}

export function syncSkillCatalog(db: Db, entries: readonly SkillEntry[], now = new Date()): Promise<SyncResult> {
  return db.transaction((tx) => syncSkillCatalogIn(tx, entries, now));
}

export type SkillCatalogPage = {
  skills: OrgSkill[];
  /** The categories in the order the page shows them. */
  categories: SkillCategory[];
  /** Whether the organisation has added skills of its own. */
  ownSkills: boolean;
  /** Admins add skills of their own organisation. */
  mayAdd: boolean;
};

/** The catalog page: every skill the actor's organisation uses, and whether they may add one. */
export async function skillCatalog(db: Executor, actor: Actor): Promise<Outcome<SkillCatalogPage>> {
  const orgSkills = await listOrgSkills(db, actor.orgId);
  return ok({
    skills: orgSkills,
    categories: Object.keys(CATEGORY_LABELS) as SkillCategory[],
    ownSkills: orgSkills.some((s) => s.source === 'admin'),
    mayAdd: isAdmin(actor),
  });
}

const skillForm = z.object({
  name: requiredText(80, 'Enter a name.').min(2, { error: 'Enter a name of at least 2 characters.' }),
  category: choiceOf(SKILL_CATEGORY_VALUES, 'Choose a category.'),
  description: requiredText(300, 'Describe the skill in a sentence.').min(10, {
    error: 'Describe the skill in a sentence (at least 10 characters).',
  }),
});

/** An admin adds a skill for their organisation; its id comes from the name. */
export async function createSkill(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<Skill>> {
  if (!isAdmin(ctx.actor)) return forbidden();
  const parsed = parseInput(skillForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const base = skillIdFromName(input.name);
  if (base === '') return invalid({ name: 'Use letters or digits in the name.' });
  return db.transaction(async (tx) => {
    const visible = await listOrgSkills(tx, ctx.actor.orgId);
    if (visible.some((s) => s.name.toLowerCase() === input.name.toLowerCase())) {
      return invalid({ name: 'A skill with this name already exists.' }, undefined, 409);
    }
    // Ids are global (the catalog's are shared); a taken id gets a number, never another org's skill.
    const taken = new Set(
      (
        await tx
          .select({ id: skills.id })
          .from(skills)
          .where(sql`${skills.id} = ${base} or ${skills.id} like ${`${base}-%`}`)
      ).map((r) => r.id),
    );
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    const [{ max } = { max: 0 }] = await tx.select({ max: sql<number>`coalesce(max(${skills.position}), 0)` }).from(skills);
    const [created] = await tx
      .insert(skills)
      .values({
        id,
        orgId: ctx.actor.orgId,
        ...input,
        source: 'admin',
        position: Number(max) + 1,
        active: true,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await writeActorAudit(tx, ctx, 'skill.created', { type: 'skill', id }, { after: { ...input } });
    return ok(created!);
  });
}
