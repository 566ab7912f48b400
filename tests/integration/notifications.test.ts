// A simulated December over a small organisation, through the three
// scheduled jobs with an injected clock (four instants a day, as a runner
// checking hourly would see them, and three days of downtime): exactly the
// expected messages, once each, to the right people, never to anyone outside
// the team or the organisation; a rerun of any day or week sends nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { addDays } from '#domain/calendar.ts';
import {
  certificationRecords,
  organisations,
  outboxMessages,
  rampPlans,
  rampTasks,
  teamMemberships,
  teams,
  users,
  type OutboxMessage,
} from '#server/db/schema.ts';
import { scheduledJobs, type JobOrganisation } from '#server/jobs/index.ts';
import { runDueJobs } from '#server/jobs/runner.ts';
import { readUnsubscribeToken } from '#server/notifications/unsubscribe.ts';
import { runCertificationReminders } from '#server/notifications/jobs.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let org: JobOrganisation;
const ids: Record<string, number> = {};
const ZONE = 'Europe/Bucharest';
const catalogs = loadCatalogsFromDisk();

async function person(orgId: number, key: string, role: 'manager' | 'member', settings = {}) {
  const [row] = await t.db
    .insert(users)
    .values({
      orgId,
      email: `${key}@acme.test`,
      displayName: key[0]!.toUpperCase() + key.slice(1),
      passwordHash: 'x',
      role,
      notificationSettings: settings,
    })
    .returning();
  ids[key] = row!.id;
  return row!.id;
}

async function earned(orgId: number, userId: number, certificationId: string, earnedOn: string, expiresOn: string) {
  await t.db
    .insert(certificationRecords)
    .values({ orgId, userId, certificationId, status: 'earned', earnedOn, expiresOn, expirySource: 'entered', createdBy: userId });
}

/** Acme's messages (the other organisation's are its own business). */
const messages = async (kind?: OutboxMessage['kind']) =>
  (
    await t.db
      .select()
      .from(outboxMessages)
      .where(and(eq(outboxMessages.orgId, org.id), kind ? eq(outboxMessages.kind, kind) : undefined))
  ).sort((a, b) => a.id - b.id);
const name = (id: number | null) => Object.entries(ids).find(([, v]) => v === id)?.[0];

type Mode = 'jobs called directly' | 'the scheduler (runDueJobs)';

/**
 * Four instants a day: either every job called as the runner calls it,
 * remembering each job's last completed period, or the real runner
 * (h-outbox's runDueJobs: lease, job_runs, every organisation).
 */
async function simulate(mode: Mode, from: string, to: string, down: (day: string) => boolean) {
  const last = new Map<string, string | null>();
  for (let day = from; day <= to; day = addDays(day, 1)) {
    if (down(day)) continue;
    for (const hour of ['03', '06', '12', '21']) {
      const now = new Date(`${day}T${hour}:00:00Z`);
      if (mode === 'the scheduler (runDueJobs)') {
        const report = await runDueJobs({ db: t.db, holder: 'simulation', now });
        expect(report.runs.filter((r) => r.outcome !== 'ok')).toEqual([]);
        continue;
      }
      for (const job of scheduledJobs()) {
        const period = job.duePeriod(now, org.timeZone);
        if (period === null || period === last.get(job.name)) continue;
        await job.run(t.db, org, { period, lastCompleted: last.get(job.name) ?? null, now });
        last.set(job.name, period);
      }
    }
  }
}

describe.each<Mode>(['jobs called directly', 'the scheduler (runDueJobs)'])('a simulated month, %s', (mode) => {
  beforeAll(async () => {
    t = await createTestDatabase('notifications');
    const settings = { timeZone: ZONE, certificationReminderDays: [30, 7] };
    const [acme] = await t.db.insert(organisations).values({ name: 'Acme', settings }).returning();
    org = { id: acme!.id, name: 'Acme', timeZone: ZONE, settings };
    const mara = await person(acme!.id, 'mara', 'manager');
    const dan = await person(acme!.id, 'dan', 'manager');
    const ana = await person(acme!.id, 'ana', 'member');
    const bob = await person(acme!.id, 'bob', 'member');
    const olga = await person(acme!.id, 'olga', 'member');
    const nina = await person(acme!.id, 'nina', 'member');
    // Someone who turned reminders off, and someone who left: neither hears anything.
    const quiet = await person(acme!.id, 'quiet', 'member', { 'certification-reminder': false });
    const gone = await person(acme!.id, 'gone', 'member');
    await t.db.update(users).set({ active: false }).where(eq(users.id, gone));
    const [warehouse] = await t.db.insert(teams).values({ orgId: acme!.id, name: 'Warehouse', managerUserId: mara }).returning();
    const [dispatch] = await t.db.insert(teams).values({ orgId: acme!.id, name: 'Dispatch', managerUserId: dan }).returning();
    for (const u of [ana, bob, nina, quiet, gone]) await t.db.insert(teamMemberships).values({ teamId: warehouse!.id, userId: u });
    await t.db.insert(teamMemberships).values({ teamId: dispatch!.id, userId: olga });

    await earned(acme!.id, mara, 'pmi-pmp', '2024-01-05', '2027-01-05'); // 30 days: 6 Dec; 7 days: 29 Dec
    await earned(acme!.id, ana, 'pmi-pmp', '2024-01-10', '2027-01-10'); // 30 days: 11 Dec
    await earned(acme!.id, bob, 'pmi-capm', '2023-12-28', '2026-12-28'); // 30 days: 28 Nov (before); 7 days: 21 Dec
    await earned(acme!.id, olga, 'pmi-pmp', '2023-12-25', '2026-12-25'); // 7 days: 18 Dec, during the downtime
    await earned(acme!.id, quiet, 'pmi-pmp', '2024-01-10', '2027-01-10'); // 30 days: 11 Dec, turned off
    await earned(acme!.id, gone, 'pmi-pmp', '2024-01-10', '2027-01-10'); // deactivated
    // Ana renewed an older certificate: only the current record counts.
    await earned(acme!.id, ana, 'pmi-capm', '2020-01-11', '2023-01-11');
    await earned(acme!.id, ana, 'pmi-capm', '2023-01-11', '2029-01-11');

    const [plan] = await t.db
      .insert(rampPlans)
      .values({
        orgId: acme!.id,
        userId: nina,
        templateRole: 'operations-assistant',
        title: 'Nina’s first 90 days',
        phases: [],
        startDate: '2026-11-30',
        createdBy: mara,
      })
      .returning();
    const task = (title: string, owner: 'new-hire' | 'buddy' | 'manager', dueDay: number, buddyUserId: number | null = null) => ({
      planId: plan!.id,
      phaseId: 'days-1-30' as const,
      title,
      owner,
      dueDay,
      buddyUserId,
      position: dueDay * 10,
    });
    await t.db.insert(rampTasks).values([
      task('Meet the team', 'new-hire', 3), // 2 Dec
      task('Shadow a shift', 'buddy', 10, bob), // 9 Dec
      task('First one-to-one', 'manager', 15), // 14 Dec
      task('Process review', 'new-hire', 40), // 8 Jan
    ]);

    // A second organisation with a certificate entering its window the same day: its people are not Acme's business.
    const [other] = await t.db.insert(organisations).values({ name: 'Other', settings }).returning();
    const stranger = await person(other!.id, 'stranger', 'member');
    await earned(other!.id, stranger, 'pmi-pmp', '2024-01-10', '2027-01-10');

    // 17-19 December: the server is down.
    await simulate(mode, '2026-12-01', '2026-12-31', (day) => day >= '2026-12-17' && day <= '2026-12-19');
  });

  afterAll(() => t?.cleanup());

  it('sends the certification reminders expected, each once, on the local day they fall (or the first day back)', async () => {
    const sent = (await messages('certification-reminder')).map((m) => `${name(m.recipientUserId)} ${m.idempotencyKey.split(':')[2]}`);
    expect(sent.sort()).toEqual(
      [
        'mara 2026-12-06',
        'ana 2026-12-11',
        'mara 2026-12-11',
        'olga 2026-12-20',
        'dan 2026-12-20',
        'bob 2026-12-21',
        'mara 2026-12-21',
        'mara 2026-12-29',
      ].sort(),
    );
  });

  it('a certification entering its 30-day window gives one email to its holder and one to their manager, once', async () => {
    const about = (await messages('certification-reminder')).filter((m) => m.textBody.includes('10 January 2027'));
    expect(about.map((m) => name(m.recipientUserId)).sort()).toEqual(['ana', 'mara']);
    const own = about.find((m) => m.recipientUserId === ids.ana)!;
    expect(own.subject).toBe(`Your ${catalogs.certifications.catalog.get('pmi-pmp')!.name} expires on 10 January 2027`);
    // Quiet turned reminders off for herself; her manager is still told, in the same one message.
    const manager = about.find((m) => m.recipientUserId === ids.mara)!;
    expect(manager.subject).toBe('2 certifications in your team expire by 10 January 2027');
    expect(manager.textBody).toMatch(/Ana: .* expires on 10 January 2027 \(in 30 days\)/);
  });

  it('tells a manager only about their own team, and nobody outside the organisation', async () => {
    const all = await messages();
    const everywhere = await t.db.select().from(outboxMessages);
    // The other organisation's one member hears about their own certificate only (when its organisation's jobs ran at all).
    expect(
      everywhere.filter((m) => m.orgId !== org.id).every((m) => m.recipientUserId === ids.stranger && !/Ana|Mara/.test(m.textBody)),
    ).toBe(true);
    expect(all.some((m) => [ids.stranger, ids.quiet, ids.gone].includes(m.recipientUserId!))).toBe(false);
    for (const m of all.filter((m) => m.recipientUserId === ids.dan)) {
      expect(m.textBody).not.toMatch(/Ana|Bob|Nina|Quiet|Gone/);
    }
    for (const m of all.filter((m) => m.recipientUserId === ids.mara)) expect(m.textBody).not.toMatch(/Olga/);
  });

  it('sends the ramp digest each week to whoever has tasks due or overdue', async () => {
    const sent = (await messages('ramp-digest')).map((m) => `${m.idempotencyKey.split(':')[2]} ${name(m.recipientUserId)}`);
    expect(sent.sort()).toEqual(
      [
        '2026-W49 nina',
        '2026-W50 nina',
        '2026-W50 bob',
        ...['2026-W51', '2026-W52', '2026-W53'].flatMap((w) => [`${w} nina`, `${w} bob`, `${w} mara`]),
      ].sort(),
    );
    const [first] = await messages('ramp-digest');
    expect(first!.subject).toBe('1 ramp task due by 2 December 2026');
  });

  it('sends each manager a weekly summary of their team', async () => {
    const sent = (await messages('team-summary')).map((m) => `${m.idempotencyKey.split(':')[2]} ${name(m.recipientUserId)}`);
    expect(sent.sort()).toEqual(
      ['2026-W49', '2026-W50', '2026-W51', '2026-W52', '2026-W53'].flatMap((w) => [`${w} dan`, `${w} mara`]).sort(),
    );
  });

  it('carries one-click unsubscribe headers naming the recipient and the kind', async () => {
    for (const m of await messages()) {
      expect(m.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      const url = /^<(.+)>$/.exec(m.headers['List-Unsubscribe']!)![1]!;
      expect(m.textBody).toContain(url);
      expect(readUnsubscribeToken(new URL(url).pathname.split('/').pop()!)).toEqual({ userId: m.recipientUserId, kind: m.kind });
    }
  });

  it('sends nothing when a day or a week runs again', async () => {
    const before = (await messages()).length;
    for (const day of ['2026-12-06', '2026-12-11', '2026-12-20', '2026-12-21']) {
      const now = new Date(`${day}T06:30:00Z`);
      expect(await runCertificationReminders(t.db, org, { period: day, lastCompleted: addDays(day, -1), now }, catalogs)).toMatch(
        /^0 messages/,
      );
      for (const job of scheduledJobs()) await job.run(t.db, org, { period: job.duePeriod(now, ZONE)!, lastCompleted: null, now });
    }
    // A catch-up over days already told (the 20th's run stopped before it was logged): nobody hears twice.
    await runCertificationReminders(
      t.db,
      org,
      { period: '2026-12-22', lastCompleted: '2026-12-16', now: new Date('2026-12-22T06:30:00Z') },
      catalogs,
    );
    expect((await messages()).slice(before).map((m) => m.idempotencyKey)).toEqual([]);
    const keys = (await messages()).map((m) => m.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('respects a kind turned off after the month started', async () => {
    await t.db
      .update(users)
      .set({ notificationSettings: { 'ramp-digest': false } })
      .where(eq(users.id, ids.bob!));
    const now = new Date('2027-01-04T07:00:00Z');
    const digest = scheduledJobs().find((j) => j.name === 'ramp-digest')!;
    await digest.run(t.db, org, { period: digest.duePeriod(now, ZONE)!, lastCompleted: '2026-W53', now });
    const bobs = await t.db
      .select()
      .from(outboxMessages)
      .where(and(eq(outboxMessages.recipientUserId, ids.bob!), eq(outboxMessages.kind, 'ramp-digest')));
    expect(bobs.map((m) => m.idempotencyKey.split(':')[2])).not.toContain('2027-W01');
  });
});
