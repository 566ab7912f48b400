// The matrix popover's read (skillCellDetails, GET /app/skills/people/<id>/cell)
// on a real database: who may read a cell (the person, their manager and
// admins; not a colleague, another team's manager or another organisation),
// in which order its checks run, and what it answers: the latest self and
// manager ratings with their notes as the raters typed them, the target, the
// history newest first and capped, and times on the organisation's clock.
// (Anonymous and every route persona over HTTP: tests/browser/skills.test.ts and the route sweep.)
import type { APIContext } from 'astro';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import type { Actor } from '#domain/access.ts';
import { formatClockIn } from '#domain/calendar.ts';
import { targetsFor } from '#domain/skills-matrix.ts';
import { skillRatings } from '#server/db/schema.ts';
import { effectiveLadders } from '#server/frameworks/queries.ts';
import { jsonRead } from '#server/request/endpoint.ts';
import { CELL_HISTORY_LIMIT, createSkill, recordRating, skillCellDetails, type SkillCellDetails } from '#server/skills/index.ts';
import { notFound, ok, type Outcome } from '#server/outcome.ts';
import { getSkillsPerson } from '#server/skills/queries.ts';
import { testContext } from '../support/context.ts';
import { expectUnchanged, tableSnapshot } from '../support/db-state.ts';
import { actorByEmail, createTestDatabase, demoPersonas, seedDemo, seedOtherOrganisation, type TestDatabase } from '../support/db.ts';

const LADDERS = loadCatalogsFromDisk().ladders;
const ZONE = 'Europe/Bucharest';
const SKILL = 'stakeholder-communication';
/** Stored as typed, answered as typed: the island renders it as text. */
const HOSTILE_NOTE = '<img src=x onerror="alert(1)"> & <b>bold</b>';

let database: TestDatabase;
type Persona = 'tom' | 'manager' | 'otherManager' | 'admin' | 'colleague' | 'foreignAdmin';
const actors = {} as Record<Persona, Actor & { timeZone: string }>;
let tomId = 0;
let foreignMemberId = 0;
/** When each of the ratings added below was given, oldest first. */
const times: Date[] = [];

const read = (persona: Persona, personId: string | number, skill: string | null = SKILL): Promise<Outcome<SkillCellDetails>> =>
  skillCellDetails(database.db, actors[persona], personId, skill, LADDERS);

beforeAll(async () => {
  database = await createTestDatabase('skill-cell');
  const { db } = database;
  await seedDemo(db, new Date('2026-11-22T09:00:00Z'));
  const personas = await demoPersonas(db);
  const other = await seedOtherOrganisation(db, { now: new Date('2026-11-22T09:00:00Z'), passwordHash: 'x' });
  const zoned = (actor: Actor) => ({ ...actor, timeZone: ZONE });
  tomId = personas.warehouseMember;
  foreignMemberId = other.member.id;
  Object.assign(actors, {
    tom: zoned(await actorByEmail(db, 'tom.becker@demo.opspath.test')),
    manager: zoned(personas.manager),
    otherManager: zoned(personas.otherManager),
    admin: zoned(personas.admin),
    colleague: zoned(personas.member),
    foreignAdmin: zoned({ id: other.admin.id, orgId: other.orgId, role: 'admin', active: true }),
  });
  // Twelve ratings of one skill after anything the demo holds: Tom's own, then his manager's, alternating,
  // one hour apart, so the order and the cap are known. The last is the manager's, with a hostile note.
  for (let i = 0; i < 12; i++) {
    const at = new Date(Date.UTC(2026, 11, 1, 8 + i, 0, 0));
    times.push(at);
    const rater = i % 2 === 0 ? actors.tom : actors.manager;
    const saved = await recordRating(db, testContext(rater, at), String(tomId), {
      skillId: SKILL,
      level: String(i % 5),
      note: i === 11 ? HOSTILE_NOTE : `Rating ${i}`,
      evidenceUrl: i === 10 ? 'https://example.com/evidence-10' : '',
    });
    if (!saved.ok) throw new Error(saved.message);
  }
});
afterAll(() => database?.cleanup());

describe('who may read a cell', () => {
  const cases: [Persona, () => string | number, 200 | 404][] = [
    ['tom', () => tomId, 200],
    ['manager', () => tomId, 200],
    ['admin', () => tomId, 200],
    ['otherManager', () => tomId, 404],
    ['colleague', () => tomId, 404],
    ['foreignAdmin', () => tomId, 404],
    ['admin', () => foreignMemberId, 404],
    ['foreignAdmin', () => foreignMemberId, 200],
    ['admin', () => '999999', 404],
    ['admin', () => '1 OR 1=1', 404],
    ['admin', () => '-1', 404],
  ];
  it.each(cases)('%s reading person %s → %i, and nothing changes', async (persona, person, status) => {
    const before = await tableSnapshot(database);
    const result = await read(persona, person(), persona === 'foreignAdmin' && status === 200 ? 'spreadsheets' : SKILL);
    if (status === 200) expect(result.ok, JSON.stringify(result)).toBe(true);
    else expect(result).toMatchObject({ ok: false, status });
    await expectUnchanged(database, before);
  });

  it('checks access before the skill: a refused reader learns nothing of the skill, a missing or unknown one', async () => {
    expect(await read('otherManager', tomId, null)).toMatchObject({ ok: false, status: 404 });
    expect(await read('otherManager', tomId, 'no-such-skill')).toMatchObject({ ok: false, status: 404 });
    expect(await read('manager', tomId, null)).toMatchObject({ ok: false, status: 400, fieldErrors: { skill: expect.any(String) } });
    expect(await read('manager', tomId, '  ')).toMatchObject({ ok: false, status: 400 });
    expect(await read('manager', tomId, 'no-such-skill')).toMatchObject({ ok: false, status: 404 });
  });

  it("another organisation's own skill is not a skill of this one", async () => {
    const foreign = await createSkill(database.db, testContext(actors.foreignAdmin), {
      name: 'Other org own skill',
      category: 'technical',
      description: 'Only the other organisation uses this one.',
    });
    if (!foreign.ok) throw new Error(foreign.message);
    expect(await read('admin', tomId, foreign.value.id)).toMatchObject({ ok: false, status: 404 });
    expect(await read('foreignAdmin', foreignMemberId, foreign.value.id)).toMatchObject({ ok: true });
    // And a catalog skill the organisation uses is one: the control for the line above.
    expect((await read('admin', tomId, 'spreadsheets')).ok).toBe(true);
  });
});

describe('what a cell says', () => {
  it('the latest self and manager ratings with note, evidence, who and when; notes exactly as typed', async () => {
    const result = await read('manager', tomId);
    if (!result.ok) throw new Error(result.message);
    const cell = result.value;
    expect(cell.person).toEqual({ id: tomId, name: 'Tom Becker' });
    expect(cell.skill.id).toBe(SKILL);
    expect(cell.manager).toMatchObject({ kind: 'manager', level: 1, label: 'Aware', note: HOSTILE_NOTE, by: 'Maria Lopez' });
    expect(cell.manager!.ratedAtIso).toBe(times[11]!.toISOString());
    expect(cell.manager!.ratedAt).toBe(formatClockIn(times[11]!, ZONE));
    // 1 December 2026, 19:00 UTC is 21:00 in Bucharest (UTC+2 in winter).
    expect(cell.manager!.ratedAt).toBe('Dec 1, 2026, 9:00 PM');
    expect(cell.timeZone).toBe(ZONE);
    expect(cell.self).toMatchObject({
      kind: 'self',
      level: 0,
      note: 'Rating 10',
      evidenceUrl: 'https://example.com/evidence-10',
      by: 'Tom Becker',
    });
    expect(cell.historyHref).toBe(`/app/skills/people/${tomId}/?skill=${SKILL}#history`);
  });

  it("the target is the person's tier target the matrix uses", async () => {
    const result = await read('admin', tomId);
    if (!result.ok) throw new Error(result.message);
    const person = (await getSkillsPerson(database.db, tomId))!;
    const ladders = await effectiveLadders(database.db, person.orgId, LADDERS);
    const expected = targetsFor(ladders, person.jobRole, person.tier)?.[SKILL] ?? null;
    expect(expected, 'Tom has a target for the skill (else this test shows nothing)').not.toBeNull();
    expect(result.value.target).toBe(expected);
  });

  it('the history is newest first, capped, with a count of the older ratings', async () => {
    const result = await read('admin', tomId);
    if (!result.ok) throw new Error(result.message);
    const { history, olderCount } = result.value;
    expect(history).toHaveLength(CELL_HISTORY_LIMIT);
    expect(history.map((h) => h.ratedAtIso)).toEqual(
      times
        .slice(-CELL_HISTORY_LIMIT)
        .reverse()
        .map((t) => t.toISOString()),
    );
    expect(history.map((h) => h.note)).toEqual([HOSTILE_NOTE, ...[10, 9, 8, 7, 6, 5, 4, 3, 2].map((i) => `Rating ${i}`)]);
    const [{ n }] = (await database.db
      .select({ n: sql<number>`count(*)` })
      .from(skillRatings)
      .where(and(eq(skillRatings.subjectUserId, tomId), eq(skillRatings.skillId, SKILL)))) as [{ n: number }];
    expect(olderCount).toBe(Number(n) - CELL_HISTORY_LIMIT);
    expect(olderCount).toBeGreaterThanOrEqual(2);
  });

  it('a person reading their own cell is sent to My skills for the whole history; an unrated cell is empty', async () => {
    const own = await read('tom', tomId);
    expect(own.ok && own.value.historyHref).toBe(`/app/skills/me/?skill=${SKILL}#history`);
    // The other organisation's member has no ratings at all.
    const unrated = await read('foreignAdmin', foreignMemberId, 'spreadsheets');
    if (!unrated.ok) throw new Error(unrated.message);
    expect(unrated.value).toMatchObject({ self: null, manager: null, history: [], olderCount: 0 });
  });
});

describe('the JSON read helper', () => {
  const contextOf = (user: unknown) => ({ locals: { user } }) as unknown as APIContext;
  it('answers 401 without a session and never runs the read', async () => {
    let ran = false;
    const res = await jsonRead({
      run: async () => {
        ran = true;
        return ok(1);
      },
    })(contextOf(null));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Sign in again: your session has ended.' });
    expect(ran).toBe(false);
  });
  it("answers the read's refusal or value as JSON nobody caches", async () => {
    const refused = await jsonRead({ run: async () => notFound() })(contextOf(actors.admin));
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({ error: 'Not found.' });
    const answered = await jsonRead({ run: async (user) => ok({ id: user.id }) })(contextOf(actors.admin));
    expect(answered.status).toBe(200);
    expect(answered.headers.get('cache-control')).toBe('no-store');
    expect(await answered.json()).toEqual({ id: actors.admin.id });
  });
});
