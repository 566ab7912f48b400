// Organisation frameworks on a real database (ADR 035): the targets page's
// server functions (an admin sets, removes and hands back a target; the
// history says who and when; the audit row is written with it) and the
// learning resources page's (add, remove), with the refusals: a non-admin,
// another organisation, and bad input each leave every table as it was.
// The person's page then reads the targets in force, the resources and the
// certifications covering a skill. (The pages in Chromium: tests/browser/frameworks.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import type { Actor } from '#domain/access.ts';
import type { Database } from '#server/db/client.ts';
import { auditLog, learningResources, skillTargetOverrides, users } from '#server/db/schema.ts';
import { addResource, removeResource, resourcesPage, setTarget, targetsPage } from '#server/frameworks/index.ts';
import { createSkill, personSkillsPage } from '#server/skills/index.ts';
import { testContext } from '../support/context.ts';
import { expectUnchanged } from '../support/db-state.ts';
import { actorByEmail, demoPersonas, seedDemo, seedOtherOrganisation, templateDatabase } from '../support/db.ts';

const template = templateDatabase('frameworks');
let database: Database;
const content = loadCatalogsFromDisk();
const NOW = new Date('2026-11-22T10:00:00Z');
const LATER = new Date('2026-11-23T08:30:00Z');

type Ids = Awaited<ReturnType<typeof demoPersonas>> & { foreignAdmin: Actor; foreignSkill: string; nina: number };
let ids: Ids;

// Nina Patel (the demo's new hire) is an Operations Assistant: her next tier is
// Operations Coordinator, whose suggested spreadsheets target is 3.
const ROLE = 'operations-assistant';
const TIER = 'coordinator';
const where = new URLSearchParams({ role: ROLE, tier: TIER });
const form = (skillId: string, level: string) => ({ intent: 'set-target', jobRole: ROLE, tier: TIER, skillId, level });

beforeAll(async () => {
  database = await template.open();
  const { db } = database;
  await seedDemo(db, NOW);
  const other = await seedOtherOrganisation(db, { now: NOW, passwordHash: 'x' });
  const foreignAdmin: Actor = { id: other.admin.id, orgId: other.orgId, role: 'admin', active: true };
  const foreignSkill = await createSkill(db, testContext(foreignAdmin, NOW), {
    name: 'Other org forklift skill',
    category: 'technical',
    description: 'Only the other organisation uses this one.',
  });
  if (!foreignSkill.ok) throw new Error('could not create the foreign skill');
  ids = {
    ...(await demoPersonas(db)),
    foreignAdmin,
    foreignSkill: foreignSkill.value.id,
    nina: (await actorByEmail(db, 'newhire@demo.opspath.test')).id,
  };
  // The test seed uses generic tiers: put Nina on the assistant guide's first tier.
  await db.update(users).set({ jobRole: ROLE, tier: 'assistant' }).where(eq(users.id, ids.nina));
});
afterAll(() => template.cleanup());

const inForce = async (actor: Actor, skillId: string) => {
  const page = await targetsPage(database.db, actor, where, content);
  if (!page.ok) throw new Error(page.message);
  return { target: page.value.targets.find((t) => t.skillId === skillId), history: page.value.history };
};

describe('the targets page', () => {
  it('shows OpsPath’s suggestion until an admin sets the organisation’s own, with who, when, history and audit', async () => {
    const before = await inForce(ids.admin, 'spreadsheets');
    expect(before.target).toMatchObject({ level: 3, suggested: 3, source: { kind: 'suggestion' } });
    expect(before.history).toEqual([]);

    const set = await setTarget(database.db, testContext(ids.admin, NOW), form('spreadsheets', '4'), content);
    expect(set).toEqual({ ok: true, value: { jobRole: ROLE, tier: TIER, skillId: 'spreadsheets' } });
    const after = await inForce(ids.admin, 'spreadsheets');
    expect(after.target).toEqual({
      skillId: 'spreadsheets',
      name: 'Spreadsheets (Excel, Google Sheets)',
      level: 4,
      suggested: 3,
      source: { kind: 'organisation', setByName: 'Alex Morgan', setAt: NOW.getTime() },
    });
    expect(after.history).toMatchObject([
      { skillId: 'spreadsheets', previousLevel: 3, level: 4, revert: false, setByName: 'Alex Morgan', setAt: NOW.getTime() },
    ]);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'skill.target_set'), eq(auditLog.targetId, 'spreadsheets')))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audit).toMatchObject({
      orgId: ids.admin.orgId,
      actorUserId: ids.admin.id,
      before: { jobRole: ROLE, tier: TIER, level: 3, source: 'suggestion' },
      after: { jobRole: ROLE, tier: TIER, level: 4, source: 'organisation' },
    });
  });

  it('clears an override back to the suggestion, keeping both rows in the history, newest first', async () => {
    const cleared = await setTarget(database.db, testContext(ids.admin, LATER), form('spreadsheets', 'suggestion'), content);
    expect(cleared.ok).toBe(true);
    const { target, history } = await inForce(ids.admin, 'spreadsheets');
    expect(target).toMatchObject({ level: 3, suggested: 3, source: { kind: 'suggestion' } });
    expect(history.map((h) => [h.previousLevel, h.level, h.revert, h.setAt])).toEqual([
      [4, null, true, LATER.getTime()],
      [3, 4, false, NOW.getTime()],
    ]);
    // The history is append-only: the database itself refuses to rewrite it.
    await expect(database.db.update(skillTargetOverrides).set({ level: 1 })).rejects.toThrow();
    await expect(database.db.delete(skillTargetOverrides)).rejects.toThrow();
  });

  it('removes a suggested target ("none") and targets an organisation skill the guides do not know', async () => {
    const own = await createSkill(database.db, testContext(ids.admin, NOW), {
      name: 'Dock scheduling',
      category: 'technical',
      description: 'Books inbound trucks into dock slots.',
    });
    if (!own.ok) throw new Error(own.message);
    expect((await setTarget(database.db, testContext(ids.admin, NOW), form('problem-solving', 'none'), content)).ok).toBe(true);
    expect((await setTarget(database.db, testContext(ids.admin, NOW), form(own.value.id, '2'), content)).ok).toBe(true);
    expect((await inForce(ids.admin, 'problem-solving')).target).toMatchObject({ level: null, suggested: 2 });
    expect((await inForce(ids.admin, own.value.id)).target).toMatchObject({ level: 2, suggested: null, name: 'Dock scheduling' });
  });

  it('refuses non-admins, reading or changing, and changes nothing', async () => {
    for (const actor of [ids.manager, ids.member]) {
      expect(await targetsPage(database.db, actor, where, content)).toMatchObject({ ok: false, status: 403 });
      const refused = await expectUnchanged(database, () =>
        setTarget(database.db, testContext(actor, NOW), form('spreadsheets', '1'), content),
      );
      expect(refused).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('keeps each organisation’s targets to itself', async () => {
    await setTarget(database.db, testContext(ids.admin, NOW), form('spreadsheets', '2'), content);
    const foreign = await inForce(ids.foreignAdmin, 'spreadsheets');
    expect(foreign.target).toMatchObject({ level: 3, source: { kind: 'suggestion' } });
    expect(foreign.history).toEqual([]);
    // Neither admin may target the other organisation's own skill.
    const across = await expectUnchanged(database, () =>
      setTarget(database.db, testContext(ids.admin, NOW), form(ids.foreignSkill, '2'), content),
    );
    expect(across).toMatchObject({ ok: false, status: 400, fieldErrors: { skillId: expect.any(String) } });
    const demo = await inForce(ids.admin, 'spreadsheets');
    expect(demo.target).toMatchObject({ level: 2, source: { kind: 'organisation' } });
  });

  it('answers bad input with a clear message per field and writes nothing', async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [form('spreadsheets', '7'), 'level', /Choose a level/],
      [form('spreadsheets', ''), 'level', /Choose a level/],
      [form('', '2'), 'skillId', /Choose a skill/],
      [form('no-such-skill', '2'), 'skillId', /organisation’s skills/],
      [{ ...form('spreadsheets', '2'), tier: 'astronaut' }, 'tier', /roles and tiers/],
      // The target in force is already 2: saving it again is no change.
      [form('spreadsheets', '2'), 'level', /already the target in force/],
      [form('time-management', 'suggestion'), 'level', /already is OpsPath’s suggestion/],
    ];
    for (const [input, field, message] of cases) {
      const refused = await expectUnchanged(database, () => setTarget(database.db, testContext(ids.admin, NOW), input, content));
      expect(refused, JSON.stringify(input)).toMatchObject({ ok: false, status: 400 });
      expect(!refused.ok && 'fieldErrors' in refused && refused.fieldErrors[field], JSON.stringify(input)).toMatch(message);
    }
  });
});

describe('the learning resources page', () => {
  const resource = {
    skillId: 'spreadsheets',
    title: 'Lookup functions in practice',
    url: 'https://example.com/lookups',
    kind: 'course',
    minutes: '90',
  };
  let added = 0;

  it('lets an admin add a resource, audited, and lists it by skill', async () => {
    const result = await addResource(database.db, testContext(ids.admin, NOW), resource);
    if (!result.ok) throw new Error(result.message);
    added = result.value.id;
    expect(result.value).toMatchObject({ ...resource, minutes: 90, orgId: ids.admin.orgId, createdByUserId: ids.admin.id });
    const page = await resourcesPage(database.db, ids.admin);
    expect(page.ok && page.value.resources.get('spreadsheets')?.map((r) => r.title)).toEqual([resource.title]);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'skill.resource_added'))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audit).toMatchObject({ actorUserId: ids.admin.id, targetId: 'spreadsheets', after: { title: resource.title } });
  });

  it('shows the person what to learn next with the resources, the covering certifications and readiness', async () => {
    const page = await personSkillsPage(database.db, ids.member, ids.nina, content, null);
    if (!page.ok) throw new Error(page.message);
    // The organisation's spreadsheets target for the next tier is 2 now (set above), not the suggested 3.
    expect(page.value.rows.find((r) => r.skill.id === 'spreadsheets')?.nextTarget).toBe(2);
    const more = page.value.learnMore.get('spreadsheets');
    expect(more?.resources.map((r) => r.title)).toEqual([resource.title]);
    // content/certifications.yaml names the skill id among a certification's topics.
    const covering = [...content.certifications.catalog.values()].filter((c) => c.topics.includes('spreadsheets')).map((c) => c.id);
    expect(covering.length).toBeGreaterThan(0);
    expect(more?.certifications.map((c) => c.id)).toEqual(covering);
    // Nina has no manager rating yet: none of the next tier's targets is agreed as met.
    expect(page.value.readiness).toMatchObject({ met: 0 });
    expect(page.value.readiness!.total).toBe(page.value.readiness!.unmet.length);
    expect(page.value.readiness!.unmet.find((u) => u.skillId === 'spreadsheets')).toEqual({
      skillId: 'spreadsheets',
      name: 'Spreadsheets (Excel, Google Sheets)',
      target: 2,
      level: null,
    });
    // The other organisation's member sees none of it.
    const foreignPerson = await personSkillsPage(database.db, ids.foreignAdmin, ids.nina, content, null);
    expect(foreignPerson).toMatchObject({ ok: false, status: 404 });
  });

  it('refuses bad input with a message per field and writes nothing', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ ...resource, url: 'javascript:alert(1)' }, 'url'],
      [{ ...resource, url: 'example.com/no-scheme' }, 'url'],
      [{ ...resource, title: '  ' }, 'title'],
      [{ ...resource, kind: 'podcast' }, 'kind'],
      [{ ...resource, minutes: '1.5' }, 'minutes'],
      [{ ...resource, skillId: ids.foreignSkill }, 'skillId'],
    ];
    for (const [input, field] of cases) {
      const refused = await expectUnchanged(database, () => addResource(database.db, testContext(ids.admin, NOW), input));
      expect(refused, JSON.stringify(input)).toMatchObject({ ok: false, status: 400, fieldErrors: { [field]: expect.any(String) } });
    }
  });

  it('refuses non-admins and other organisations, and changes nothing', async () => {
    for (const actor of [ids.manager, ids.member]) {
      expect(await resourcesPage(database.db, actor)).toMatchObject({ ok: false, status: 403 });
      expect(await expectUnchanged(database, () => addResource(database.db, testContext(actor, NOW), resource))).toMatchObject({
        status: 403,
      });
      expect(
        await expectUnchanged(database, () => removeResource(database.db, testContext(actor, NOW), { resourceId: String(added) })),
      ).toMatchObject({ status: 403 });
    }
    const foreign = await resourcesPage(database.db, ids.foreignAdmin);
    expect(foreign.ok && [...foreign.value.resources.keys()]).toEqual([]);
    expect(
      await expectUnchanged(database, () => removeResource(database.db, testContext(ids.foreignAdmin, NOW), { resourceId: String(added) })),
    ).toMatchObject({ ok: false, status: 404 });
  });

  it('lets an admin remove it, audited', async () => {
    const removed = await removeResource(database.db, testContext(ids.admin, LATER), { resourceId: String(added) });
    expect(removed).toMatchObject({ ok: true, value: { id: added } });
    expect(await database.db.select().from(learningResources).where(eq(learningResources.id, added))).toEqual([]);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'skill.resource_removed'))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audit).toMatchObject({ actorUserId: ids.admin.id, before: { title: resource.title, url: resource.url } });
    expect(await removeResource(database.db, testContext(ids.admin, LATER), { resourceId: String(added) })).toMatchObject({ status: 404 });
  });
});
