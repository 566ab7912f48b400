// The audit log page's reads against a real database: the demo organisation's
// own audit rows plus generated ones with many equal timestamps (the case
// keyset paging gets wrong when it orders by a column that is not unique).
// Every filter is checked against the same filter applied in JavaScript to
// every row, and every row must appear exactly once across the pages, also
// while new rows are written between pages. The indexes of migration 0013 are
// checked in the query plans.
import { describe, expect, it, beforeAll } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import type { Actor } from '#domain/access.ts';
import { auditKindOf, AUDIT_KINDS, describeAuditEvent } from '#domain/audit-events.ts';
import { addDays, localDate } from '#domain/calendar.ts';
import { seededRandom } from '#domain/random.ts';
import { AUDIT_PAGE_SIZE, auditLogExport, auditLogPage, writeAudit, type AuditAction, type AuditTarget } from '#server/audit/index.ts';
import { AUDIT_KIND_SQL, AUDIT_TEAM_MEMBER_SQL } from '#server/audit/queries.ts';
import { auditLog, certificationRecords, rampPlans, reviews, teams, users } from '#server/db/schema.ts';
import { DEMO_TIME_ZONE } from '#server/demo/index.ts';
import { actOnReview, openCycle } from '#server/reviews/index.ts';
import { testContext } from '../support/context.ts';
import { demoDatabaseForFile, demoPersonas, seedOtherOrganisation } from '../support/db.ts';

const t = demoDatabaseForFile('audit-log');
const ZONE = DEMO_TIME_ZONE;
let p: Awaited<ReturnType<typeof demoPersonas>>;
let people: { id: number; displayName: string }[];
let review: { cycleId: number; reviewId: number };

type Row = {
  id: number;
  at: number;
  action: string;
  actorUserId: number | null;
  targetType: string | null;
  targetId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};
/** Every row of the organisation, newest first, as the page orders them. */
const allRows = async (orgId: number): Promise<Row[]> =>
  (
    await t.db
      .select({
        id: auditLog.id,
        at: auditLog.at,
        action: auditLog.action,
        actorUserId: auditLog.actorUserId,
        targetType: auditLog.targetType,
        targetId: auditLog.targetId,
        before: auditLog.before,
        after: auditLog.after,
      })
      .from(auditLog)
      .where(eq(auditLog.orgId, orgId))
  )
    .map((r) => ({ ...r, at: r.at.getTime() }))
    .sort((a, b) => b.at - a.at || b.id - a.id);

/** Every page of a filter, following nextBefore; returns the ids in order. */
async function everyPage(actor: Actor, query: Record<string, string | undefined>, between?: () => Promise<void>) {
  const ids: number[] = [];
  let before: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await auditLogPage(t.db, actor, { ...query, before }, ZONE);
    if (!page.ok) throw new Error(`page refused: ${JSON.stringify(page)}`);
    expect(page.value.rows.length).toBeLessThanOrEqual(AUDIT_PAGE_SIZE);
    ids.push(...page.value.rows.map((r) => r.id));
    if (!page.value.nextBefore) return ids;
    before = page.value.nextBefore;
    await between?.();
  }
  throw new Error('more than 1000 pages');
}

const ACTIONS: AuditAction[] = [
  'auth.sign_in',
  'user.updated',
  'skill.rated',
  'ramp.task_done',
  'certification.record_added',
  'org.time_zone_changed',
  'account.invitation_sent',
  'outbox.message_resent',
];

beforeAll(async () => {
  p = await demoPersonas(t.db);
  people = await t.db.select({ id: users.id, displayName: users.displayName }).from(users).where(eq(users.orgId, p.admin.orgId));
  const [plan] = await t.db.select().from(rampPlans).where(eq(rampPlans.userId, p.member.id));
  const [record] = await t.db.select().from(certificationRecords).where(eq(certificationRecords.orgId, p.admin.orgId)).limit(1);
  const random = seededRandom('audit-log');
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  // 400 rows over 20 days around midnight in Bucharest, 25 distinct instants a day: many rows share an instant.
  const base = Date.parse('2026-11-10T21:30:00Z');
  for (let i = 0; i < 400; i++) {
    const action = pick(ACTIONS);
    const target: AuditTarget =
      action === 'ramp.task_done'
        ? { type: 'ramp_plan', id: plan!.id }
        : action === 'certification.record_added'
          ? { type: 'certification_record', id: record!.id }
          : action === 'org.time_zone_changed'
            ? { type: 'organisation', id: p.admin.orgId }
            : { type: 'user', id: pick(people).id };
    await writeAudit(t.db, {
      orgId: p.admin.orgId,
      actorUserId: random() < 0.1 ? null : pick(people).id,
      action,
      target,
      after: {},
      at: new Date(base + Math.floor(random() * 20) * 86_400_000 + Math.floor(random() * 25) * 6 * 60_000),
    });
  }
  // Team-membership events keep the person in the JSON, not in target_id.
  const [team] = await t.db.select().from(teams).where(eq(teams.orgId, p.admin.orgId)).limit(1);
  for (let i = 0; i < 30; i++) {
    const removed = i % 2 === 1;
    const person = i % 3 === 0 ? p.member.id : pick(people).id;
    await writeAudit(t.db, {
      orgId: p.admin.orgId,
      actorUserId: p.admin.id,
      action: removed ? 'team.member_removed' : 'team.member_added',
      target: { type: 'team', id: team!.id },
      ...(removed ? { before: { userId: person } } : { after: { userId: person } }),
      at: new Date(base + Math.floor(random() * 20) * 86_400_000),
    });
  }
  // A skills review through its own feature: the cycle's row and a review's step.
  const ctx = testContext(p.manager, new Date(), null, ZONE);
  const opened = await openCycle(t.db, ctx, loadCatalogsFromDisk().ladders, {
    name: 'Winter review',
    dueOn: addDays(ctx.today, 30),
    teamIds: [p.teamWarehouse],
  });
  if (!opened.ok) throw new Error(JSON.stringify(opened));
  const [mine] = await t.db
    .select({ id: reviews.id })
    .from(reviews)
    .where(and(eq(reviews.cycleId, opened.value.cycleId), eq(reviews.subjectUserId, p.member.id)));
  const cancelled = await actOnReview(t.db, ctx, mine!.id, { type: 'cancel' });
  if (!cancelled.ok) throw new Error(JSON.stringify(cancelled));
  review = { cycleId: opened.value.cycleId, reviewId: mine!.id };
  const other = await seedOtherOrganisation(t.db, { now: new Date(base), passwordHash: 'x' });
  await writeAudit(t.db, { orgId: other.orgId, actorUserId: other.admin.id, action: 'auth.sign_in', at: new Date(base) });
});

describe('the audit log page', () => {
  it('is for admins only', async () => {
    for (const actor of [p.manager, p.member]) expect(await auditLogPage(t.db, actor, {}, ZONE)).toMatchObject({ ok: false, status: 403 });
    expect(await auditLogExport(t.db, p.manager, {}, ZONE)).toMatchObject({ ok: false, status: 403 });
  });

  it('shows every row of the organisation exactly once across its pages, newest first, and none of another', async () => {
    const expected = await allRows(p.admin.orgId);
    expect(expected.length).toBeGreaterThan(8 * AUDIT_PAGE_SIZE);
    expect(await everyPage(p.admin, {})).toEqual(expected.map((r) => r.id));
  });

  it('keeps every older row exactly once while new rows are written between pages', async () => {
    const before = await allRows(p.admin.orgId);
    const newest = before[0]!.at;
    let written = 0;
    // Each new row shares the newest instant or is newer: it belongs on page one, which the reader has passed.
    const ids = await everyPage(p.admin, {}, async () => {
      await writeAudit(t.db, {
        orgId: p.admin.orgId,
        actorUserId: p.admin.id,
        action: 'auth.sign_in',
        at: new Date(newest + (written++ % 2)),
      });
    });
    expect(written).toBeGreaterThan(5);
    expect(ids).toEqual(before.map((r) => r.id));
  });

  it('filters by who acted, by kind and by the organisation’s calendar days, each equal to the same filter over every row', async () => {
    const rows = await allRows(p.admin.orgId);
    const actorId = p.manager.id;
    const cases: [Record<string, string>, (r: Row) => boolean][] = [
      [{ actor: String(actorId) }, (r) => r.actorUserId === actorId],
      ...AUDIT_KINDS.map((kind): [Record<string, string>, (r: Row) => boolean] => [{ kind }, (r) => auditKindOf(r.action) === kind]),
      [
        { from: '2026-11-15', to: '2026-11-17' },
        (r) => localDate(new Date(r.at), ZONE) >= '2026-11-15' && localDate(new Date(r.at), ZONE) <= '2026-11-17',
      ],
      [{ from: '2026-11-20' }, (r) => localDate(new Date(r.at), ZONE) >= '2026-11-20'],
      [{ to: '2026-11-12' }, (r) => localDate(new Date(r.at), ZONE) <= '2026-11-12'],
      [
        { kind: 'people', actor: String(actorId), from: '2026-11-11' },
        (r) => auditKindOf(r.action) === 'people' && r.actorUserId === actorId && localDate(new Date(r.at), ZONE) >= '2026-11-11',
      ],
    ];
    for (const [query, keep] of cases) {
      const expected = rows.filter(keep).map((r) => r.id);
      expect(await everyPage(p.admin, query), JSON.stringify(query)).toEqual(expected);
      if (query.kind && query.kind !== 'other') expect(expected.length, query.kind).toBeGreaterThan(0);
    }
  });

  it('filters by the person an event was about: their account, team memberships, ramp plan and certification records', async () => {
    const rows = await allRows(p.admin.orgId);
    const subject = p.member.id;
    const planIds = (await t.db.select({ id: rampPlans.id }).from(rampPlans).where(eq(rampPlans.userId, subject))).map((r) => String(r.id));
    const recordIds = (
      await t.db.select({ id: certificationRecords.id }).from(certificationRecords).where(eq(certificationRecords.userId, subject))
    ).map((r) => String(r.id));
    const about = (r: Row) =>
      (r.targetType === 'user' && r.targetId === String(subject)) ||
      (r.targetType === 'team' && (r.after?.userId ?? r.before?.userId) === subject) ||
      (r.targetType === 'ramp_plan' && planIds.includes(r.targetId!)) ||
      (r.targetType === 'certification_record' && recordIds.includes(r.targetId!)) ||
      (r.targetType === 'review' && r.targetId === String(review.reviewId));
    const expected = rows.filter(about).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(AUDIT_PAGE_SIZE);
    const memberships = rows.filter((r) => r.targetType === 'team' && about(r)).map((r) => r.action);
    expect(memberships).toContain('team.member_added');
    expect(memberships).toContain('team.member_removed');
    expect(await everyPage(p.admin, { person: String(subject) })).toEqual(expected);
    const page = await auditLogPage(t.db, p.admin, { person: String(subject) }, ZONE);
    expect(page.ok && page.value.rows.every((r) => r.subjectUserId === subject)).toBe(true);
  });

  it('files a skills review under its own kind, in words, about the person reviewed and the cycle', async () => {
    const page = await auditLogPage(t.db, p.admin, { kind: 'reviews' }, ZONE);
    if (!page.ok) throw new Error(JSON.stringify(page));
    const rows = page.value.rows.map((r) => ({
      action: r.action,
      words: describeAuditEvent(r),
      subject: r.subjectName,
      who: r.subjectUserId,
    }));
    const member = people.find((u) => u.id === p.member.id)!;
    expect(rows).toContainEqual({
      action: 'review.changed',
      words: 'Cancelled a skills review',
      subject: member.displayName,
      who: member.id,
    });
    expect(rows).toContainEqual(expect.objectContaining({ action: 'review.cycle_opened', subject: 'Winter review', who: null }));
    expect(rows.find((r) => r.action === 'review.cycle_opened')?.words).toMatch(/^Opened the review cycle “Winter review”, due /);
    expect(page.value.rows.every((r) => r.action.startsWith('review.'))).toBe(true);
    // The person's filter finds their review's row too.
    const theirs = await everyPage(p.admin, { person: String(p.member.id), kind: 'reviews' });
    const reviewRows = (await allRows(p.admin.orgId)).filter((r) => r.targetType === 'review' && r.targetId === String(review.reviewId));
    expect(theirs).toEqual(reviewRows.map((r) => r.id));
    expect(theirs.length).toBe(1);
  });

  it('chooses a person by the start of their name, in any case, and offers the choices when several match', async () => {
    const nina = people.find((u) => u.id === p.member.id)!;
    const prefix = nina.displayName.slice(0, 4).toLowerCase();
    const matching = people.filter((u) => u.displayName.toLowerCase().startsWith(prefix));
    const one = await auditLogPage(t.db, p.admin, { personName: prefix }, ZONE);
    if (matching.length === 1) expect(one.ok && one.value.person.chosen?.id).toBe(nina.id);
    const several = await auditLogPage(t.db, p.admin, { actorName: 'a' }, ZONE);
    const startingWithA = people.filter((u) => u.displayName.toLowerCase().startsWith('a'));
    expect(startingWithA.length).toBeGreaterThan(1);
    expect(several.ok && several.value).toMatchObject({ ready: false, rows: [], actor: { chosen: null } });
    expect(several.ok && several.value.actor.choices.map((c) => c.id).sort()).toEqual(
      startingWithA
        .map((u) => u.id)
        .slice(0, 11)
        .sort(),
    );
    const none = await auditLogPage(t.db, p.admin, { personName: 'zzz%' }, ZONE);
    expect(none.ok && none.value).toMatchObject({ ready: false, person: { choices: [] } });
  });

  it('refuses bad filters with a message, and answers not found for a person of another organisation', async () => {
    const [otherMember] = await t.db.select().from(users).where(eq(users.email, 'member@other.test'));
    const bad: [Record<string, string>, string, RegExp][] = [
      [{ kind: 'logins' }, 'kind', /kind from the list/],
      [{ from: '2026-11-31' }, 'from', /calendar date/],
      [{ from: '2026-11-20', to: '2026-11-10' }, 'to', /before the from date/],
      [{ before: '1;drop' }, 'before', /page does not exist/],
      [{ actor: '-3' }, 'actor', /again/],
    ];
    for (const [query, field, message] of bad) {
      const result = await auditLogPage(t.db, p.admin, query, ZONE);
      expect(result, JSON.stringify(query)).toMatchObject({ ok: false, status: 400 });
      expect(!result.ok && 'fieldErrors' in result && result.fieldErrors[field], JSON.stringify(query)).toMatch(message);
    }
    // A person of another organisation, by id: a tampered address, not found.
    for (const param of ['person', 'actor'])
      expect(await auditLogPage(t.db, p.admin, { [param]: String(otherMember!.id) }, ZONE)).toMatchObject({ ok: false, status: 404 });
  });

  it('exports every row of the filter, not just one page', async () => {
    const rows = await allRows(p.admin.orgId);
    const exported = await auditLogExport(t.db, p.admin, { kind: 'people' }, ZONE);
    expect(exported.ok && exported.value.rows.map((r) => r.id)).toEqual(
      rows.filter((r) => auditKindOf(r.action) === 'people').map((r) => r.id),
    );
    expect(exported.ok && exported.value.truncated).toBe(false);
  });
});

describe('the indexes behind the filters (migrations 0013 and 0023)', () => {
  const plan = async (where: string) =>
    (
      await t.client.execute(
        `explain query plan select a.id from audit_log a where a.org_id = 1 ${where} order by a.at desc, a.id desc limit 51`,
      )
    ).rows
      .map((r) => String(r.detail))
      .join(' | ');

  it('are built on the kind expression the queries use', async () => {
    const [index] = (await t.client.execute(`select sql from sqlite_master where name = 'audit_log_org_kind_at_idx'`)).rows;
    expect(String(index!.sql)).toContain(AUDIT_KIND_SQL);
  });

  it('answer each filter in order from an index, without sorting', async () => {
    const cases: [string, string][] = [
      ['', 'audit_log_org_at_idx'],
      [`and ${AUDIT_KIND_SQL} = 'people'`, 'audit_log_org_kind_at_idx'],
      [`and ${AUDIT_KIND_SQL} = 'reviews'`, 'audit_log_org_kind_at_idx'],
      ['and a.actor_user_id = 3', 'audit_log_org_actor_at_idx'],
      ['and a.at >= 0 and a.at < 9999999999999', 'audit_log_org_at_idx'],
      ['and (a.at, a.id) < (1796279717209, 10)', 'audit_log_org_at_idx'],
    ];
    for (const [where, index] of cases) {
      const detail = await plan(where);
      expect(detail, where).toContain(index);
      expect(detail, where).not.toMatch(/TEMP B-TREE/);
    }
  });

  it("finds a person's team-membership events through the partial index on the same expression", async () => {
    const [index] = (await t.client.execute(`select sql from sqlite_master where name = 'audit_log_team_member_idx'`)).rows;
    expect(String(index!.sql)).toContain(AUDIT_TEAM_MEMBER_SQL);
    const detail = (
      await t.client.execute(`explain query plan select id from audit_log where target_type = 'team' and ${AUDIT_TEAM_MEMBER_SQL} = 3`)
    ).rows.map((r) => String(r.detail));
    expect(detail.join(' ')).toContain('audit_log_team_member_idx');
  });

  it('looks people up by a name prefix through the case-insensitive name index', async () => {
    const rows = (
      await t.client.execute(`explain query plan select id from users where org_id = 1 and display_name like 'an%' escape '\\'`)
    ).rows.map((r) => String(r.detail));
    expect(rows.join(' ')).toContain('users_org_name_idx');
  });

  it('leaves no kind without its place in the SQL expression', () => {
    expect(sql.raw(AUDIT_KIND_SQL)).toBeTruthy();
    for (const kind of AUDIT_KINDS) expect(AUDIT_KIND_SQL).toContain(`'${kind}'`);
  });
});
