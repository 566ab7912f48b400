// Reviews on a real database: opening a cycle, every persona on every review
// read and action (the person, their manager, another team's manager, an
// admin, another organisation's admin), a whole review to completion with the
// agreed levels appended as manager ratings, and the frozen snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import type { Actor } from '#domain/access.ts';
import type { Assessment } from '#domain/reviews.ts';
import type { Ladder } from '#domain/skills.ts';
import { outboxMessages, reviews, skillRatings } from '#server/db/schema.ts';
import type { Database } from '#server/db/client.ts';
import { actOnReview, cycleOverview, cyclePrint, openCycle, reviewFor } from '#server/reviews/index.ts';
import { testContext } from '../support/context.ts';
import { demoPersonas, seedDemo, seedOtherOrganisation, templateDatabase } from '../support/db.ts';

const template = templateDatabase('reviews');
const NOW = new Date('2026-11-22T10:00:00Z');
// The test job-role catalog names its tiers junior, mid and senior: give the guides' ladders those ids.
const TEST_TIERS = ['junior', 'mid', 'senior'];
const ladders: Ladder[] = loadCatalogsFromDisk().ladders.map((l) => ({
  ...l,
  tiers: l.tiers.map((t, i) => ({ ...t, id: TEST_TIERS[i] ?? t.id, targets: { ...t.targets } })),
}));
let database: Database;
let people: Awaited<ReturnType<typeof demoPersonas>> & { foreignAdmin: Actor };

beforeAll(async () => {
  database = await template.open();
  await seedDemo(database.db, NOW);
  const other = await seedOtherOrganisation(database.db, { now: NOW, passwordHash: 'x' });
  people = { ...(await demoPersonas(database.db)), foreignAdmin: { id: other.admin.id, orgId: other.orgId, role: 'admin', active: true } };
});
afterAll(() => template.cleanup());

const ctx = (actor: Actor) => testContext(actor, NOW);
const fill = (skillIds: string[], level: number): Assessment =>
  Object.fromEntries(skillIds.map((id) => [id, { level, note: 'seen on the floor', evidenceUrl: '' }]));

async function openWarehouseCycle(db: Database['db']) {
  const opened = await openCycle(db, ctx(people.manager), ladders, {
    name: 'Winter 2026',
    dueOn: '2026-12-15',
    teamIds: [people.teamWarehouse],
  });
  if (!opened.ok) throw new Error(JSON.stringify(opened));
  const [mine] = await db
    .select()
    .from(reviews)
    .where(and(eq(reviews.cycleId, opened.value.cycleId), eq(reviews.subjectUserId, people.member.id)));
  return { ...opened.value, reviewId: mine!.id };
}

describe('opening a cycle', () => {
  it('gives each person of the team a review of their targeted skills and a message', async () => {
    const { db } = await template.freshCopy();
    const { cycleId, reviewIds, reviewId } = await openWarehouseCycle(db);
    expect(reviewIds.length).toBeGreaterThan(1);
    const page = await reviewFor(db, people.member, reviewId);
    expect(page.ok && page.value.state.skills.length).toBeGreaterThan(0);
    expect(page.ok && page.value.state.skills.every((s) => s.target !== null && s.levels.length === 5)).toBe(true);
    const messages = await db.select().from(outboxMessages).where(eq(outboxMessages.kind, 'review-requested'));
    expect(messages).toHaveLength(reviewIds.length);
    expect(messages.find((m) => m.recipientUserId === people.member.id)?.textBody).toContain(`/app/reviews/${reviewId}/`);
    const overview = await cycleOverview(db, people.manager, cycleId);
    expect(overview.ok && overview.value.people.every((p) => p.step === 'assessing')).toBe(true);
  });

  it('refuses a member, another team, and a due date in the past', async () => {
    const { db } = await template.freshCopy();
    expect((await openCycle(db, ctx(people.member), ladders, { name: 'x', dueOn: '2026-12-15', teamIds: [people.teamWarehouse] })).ok).toBe(
      false,
    );
    const other = await openCycle(db, ctx(people.otherManager), ladders, {
      name: 'x',
      dueOn: '2026-12-15',
      teamIds: [people.teamWarehouse],
    });
    expect(!other.ok && other.status).toBe(404);
    const past = await openCycle(db, ctx(people.manager), ladders, { name: 'x', dueOn: '2026-11-01', teamIds: [people.teamWarehouse] });
    expect(!past.ok && past.status).toBe(400);
    expect(await db.select().from(reviews)).toHaveLength(0);
  });
});

describe('access to a review', () => {
  it('lets the person, their manager and an admin in; another manager and another organisation get 404 on every read and action', async () => {
    const { db } = await template.freshCopy();
    const { cycleId, reviewId } = await openWarehouseCycle(db);
    expect((await reviewFor(db, people.member, reviewId)).ok).toBe(true);
    expect((await reviewFor(db, people.manager, reviewId)).ok).toBe(true);
    expect((await reviewFor(db, people.admin, reviewId)).ok).toBe(true);
    for (const outsider of [people.otherManager, people.foreignAdmin]) {
      const read = await reviewFor(db, outsider, reviewId);
      expect(!read.ok && read.status).toBe(404);
      for (const action of [
        { type: 'saveSelf', assessment: {} },
        { type: 'saveManager', assessment: {} },
        { type: 'cancel' },
        { type: 'signOff' },
      ]) {
        const r = await actOnReview(db, ctx(outsider), reviewId, action);
        expect(!r.ok && r.status).toBe(404);
      }
    }
    const foreignOverview = await cycleOverview(db, people.foreignAdmin, cycleId);
    expect(!foreignOverview.ok && foreignOverview.status).toBe(404);
    const memberOverview = await cycleOverview(db, people.member, cycleId);
    expect(!memberOverview.ok && memberOverview.status).toBe(404);
    const before = (await db.select().from(reviews).where(eq(reviews.id, reviewId)))[0]!.state;
    const wrongRole = await actOnReview(db, ctx(people.member), reviewId, { type: 'saveManager', assessment: {} });
    expect(!wrongRole.ok && wrongRole.status).toBe(409);
    expect((await db.select().from(reviews).where(eq(reviews.id, reviewId)))[0]!.state).toBe(before);
  });
});

describe("a whole cycle's print", () => {
  it('holds every review the overview lists, by name, hiding what reviewFor hides; refused as the overview is', async () => {
    const { db } = await template.freshCopy();
    const { cycleId, reviewId } = await openWarehouseCycle(db);
    const mine = await reviewFor(db, people.member, reviewId);
    if (!mine.ok) throw new Error('refused');
    const skillIds = mine.value.state.skills.map((s) => s.skillId);
    expect((await actOnReview(db, ctx(people.member), reviewId, { type: 'saveSelf', assessment: fill(skillIds, 3) })).ok).toBe(true);
    expect((await actOnReview(db, ctx(people.member), reviewId, { type: 'submitSelf' })).ok).toBe(true);
    for (const actor of [people.manager, people.admin]) {
      const overview = await cycleOverview(db, actor, cycleId);
      const printed = await cyclePrint(db, actor, cycleId);
      if (!overview.ok || !printed.ok) throw new Error('refused');
      expect(printed.value.cycle).toEqual(overview.value.cycle);
      expect(printed.value.reviews.map((r) => r.id).sort()).toEqual(overview.value.people.map((p) => p.reviewId).sort());
      const names = printed.value.reviews.map((r) => r.subject.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
      // The manager has not assessed: the submitted self-assessment stays out of their print, as out of the review page.
      const member = printed.value.reviews.find((r) => r.id === reviewId)!;
      expect(member.visible.self).toBe(false);
      expect(member.state.self).toEqual({});
    }
    for (const outsider of [people.member, people.otherManager, people.foreignAdmin]) {
      const refused = await cyclePrint(db, outsider, cycleId);
      expect(!refused.ok && refused.status).toBe(404);
    }
  });
});

describe('a whole review', () => {
  it('hides the self-assessment until revealed, then completes and appends the agreed levels as manager ratings', async () => {
    const { db } = await template.freshCopy();
    const { reviewId } = await openWarehouseCycle(db);
    const start = await reviewFor(db, people.member, reviewId);
    if (!start.ok) throw new Error('no review');
    const ids = start.value.state.skills.map((s) => s.skillId);
    expect(ids.length).toBeGreaterThan(0);

    const act = async (actor: Actor, action: Record<string, unknown>) => {
      const r = await actOnReview(db, ctx(actor), reviewId, action);
      if (!r.ok) throw new Error(`${action.type}: ${r.message}`);
      return r.value.step;
    };
    await act(people.member, { type: 'saveSelf', assessment: fill(ids, 2) });
    await act(people.member, { type: 'submitSelf' });
    const hidden = await reviewFor(db, people.manager, reviewId);
    expect(hidden.ok && hidden.value.state.self).toEqual({});
    await act(people.manager, { type: 'revealSelf' });
    const shown = await reviewFor(db, people.manager, reviewId);
    expect(shown.ok && Object.keys(shown.value.state.self).length).toBe(ids.length);
    await act(people.manager, { type: 'saveManager', assessment: fill(ids, 3) });
    expect(await act(people.manager, { type: 'submitManager' })).toBe('agreeing');
    const levels = Object.fromEntries(ids.map((id) => [id, 3]));
    expect(
      await act(people.manager, { type: 'agree', agreement: { levels, summary: 'Solid quarter', nextSteps: 'Lead the stocktake' } }),
    ).toBe('signing');
    await act(people.member, { type: 'signOff' });
    expect(await act(people.manager, { type: 'signOff' })).toBe('complete');

    const ratings = await db
      .select()
      .from(skillRatings)
      .where(and(eq(skillRatings.subjectUserId, people.member.id), eq(skillRatings.kind, 'manager'), eq(skillRatings.level, 3)));
    const fromReview = ratings.filter((r) => r.evidenceUrl?.endsWith(`/app/reviews/${reviewId}/`));
    expect(fromReview.map((r) => r.skillId).sort()).toEqual([...ids].sort());

    const done = await actOnReview(db, ctx(people.manager), reviewId, { type: 'cancel' });
    expect(!done.ok && done.status).toBe(409);
  });

  it('keeps its frozen targets when the tier targets change after it opened', async () => {
    const { db } = await template.freshCopy();
    const { reviewId } = await openWarehouseCycle(db);
    const first = await reviewFor(db, people.member, reviewId);
    for (const ladder of ladders)
      for (const tier of ladder.tiers) for (const id of Object.keys(tier.targets)) (tier.targets as Record<string, number>)[id] = 4;
    const again = await reviewFor(db, people.member, reviewId);
    expect(again.ok && again.value.state.skills).toEqual(first.ok && first.value.state.skills);
    expect(first.ok && first.value.state.skills.some((s) => s.target !== 4)).toBe(true);
  });
});
