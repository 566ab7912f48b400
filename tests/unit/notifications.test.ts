// Who gets which notification when, and what its subject says: the pure
// rules of #domain/notifications.ts, and the periods the jobs run for on the
// organisation's clock (Bucharest, ahead of UTC).
import { describe, expect, it } from 'vitest';
import { isoWeek, isoWeekMonday, localHour } from '#domain/calendar.ts';
import { composeEmail } from '#domain/email.ts';
import {
  catchUpDays,
  dailyPeriod,
  digestSubject,
  expiryWindows,
  planRampDigests,
  planReminderMessages,
  planTeamSummaries,
  reminderEmail,
  reminderSubject,
  remindersEntering,
  summarySubject,
  weeklyPeriod,
  type DigestPlan,
  type HeldCertification,
} from '#domain/notifications.ts';

const ZONE = 'Europe/Bucharest';
const links = {
  action: 'https://ops.example/app/certifications/me',
  unsubscribe: 'https://ops.example/unsubscribe/t.m',
  settings: 'https://ops.example/app/account/notifications',
};

describe('periods on the organisation clock', () => {
  it('a daily job is due from 08:00 local time, not UTC', () => {
    // 05:59 UTC is 07:59 in Bucharest (UTC+2 in December).
    expect(dailyPeriod(new Date('2026-12-10T05:59:00Z'), ZONE)).toBeNull();
    expect(dailyPeriod(new Date('2026-12-10T06:00:00Z'), ZONE)).toBe('2026-12-10');
    // 23:30 UTC on the 10th is 01:30 on the 11th there: the 10th is over, the 11th not yet due.
    expect(localHour(new Date('2026-12-10T23:30:00Z'), ZONE)).toBe(1);
    expect(dailyPeriod(new Date('2026-12-10T23:30:00Z'), ZONE)).toBeNull();
    // In New York, 06:00 UTC is 01:00 on the same date: not yet.
    expect(dailyPeriod(new Date('2026-12-10T06:00:00Z'), 'America/New_York')).toBeNull();
    expect(dailyPeriod(new Date('2026-12-10T13:00:00Z'), 'America/New_York')).toBe('2026-12-10');
  });
  it('a weekly job is due from Monday 08:00 local time until the week ends, never at night', () => {
    expect(weeklyPeriod(new Date('2026-12-07T05:00:00Z'), ZONE)).toBeNull(); // Monday 07:00
    expect(weeklyPeriod(new Date('2026-12-07T06:00:00Z'), ZONE)).toBe('2026-W50');
    expect(weeklyPeriod(new Date('2026-12-09T09:00:00Z'), ZONE)).toBe('2026-W50'); // Wednesday: a missed Monday is caught up
    expect(weeklyPeriod(new Date('2026-12-09T01:00:00Z'), ZONE)).toBeNull(); // but not at 03:00
    expect(weeklyPeriod(new Date('2026-12-06T20:00:00Z'), ZONE)).toBe('2026-W49'); // Sunday night
  });
  it('numbers ISO weeks across a year end, both ways', () => {
    expect(isoWeek('2026-12-31')).toBe('2026-W53');
    expect(isoWeek('2027-01-03')).toBe('2026-W53');
    expect(isoWeek('2027-01-04')).toBe('2027-W01');
    expect(isoWeekMonday('2026-W53')).toBe('2026-12-28');
    expect(isoWeekMonday(isoWeek('2026-11-22'))).toBe('2026-11-16');
  });
  it('catches up missed days, at most a week, and never repeats a completed one', () => {
    expect(catchUpDays('2026-12-10', null)).toEqual(['2026-12-10']);
    expect(catchUpDays('2026-12-10', '2026-12-09')).toEqual(['2026-12-10']);
    expect(catchUpDays('2026-12-10', '2026-12-07')).toEqual(['2026-12-08', '2026-12-09', '2026-12-10']);
    expect(catchUpDays('2026-12-10', '2026-12-10')).toEqual([]);
    expect(catchUpDays('2026-12-30', '2026-12-01')).toHaveLength(7);
  });
});

const held = (recordId: number, holderId: number, expiresOn: string, name = 'First aid at work'): HeldCertification => ({
  recordId,
  holderId,
  holderName: `Person ${holderId}`,
  name,
  expiresOn,
});

describe('certification reminders', () => {
  const lead = [30, 7];
  it('finds a certification on the day it enters a lead time, and only then', () => {
    const cert = held(1, 10, '2027-01-10');
    expect(remindersEntering([cert], lead, ['2026-12-11'])).toEqual([{ ...cert, leadDays: 30, reminderOn: '2026-12-11' }]);
    expect(remindersEntering([cert], lead, ['2026-12-12'])).toEqual([]);
    // A catch-up over both lead times names it once, at the later one.
    const days = Array.from({ length: 7 }, (_, i) => `2027-01-0${i + 1}`);
    expect(remindersEntering([cert], lead, days).map((r) => r.leadDays)).toEqual([7]);
  });
  it('asks only for expiries a lead time away from the window', () => {
    expect(expiryWindows([30, 7], ['2026-12-08', '2026-12-09', '2026-12-10'])).toEqual([
      { from: '2027-01-07', to: '2027-01-09' },
      { from: '2026-12-15', to: '2026-12-17' },
    ]);
    expect(expiryWindows([30], [])).toEqual([]);
  });
  it('writes one message per person: the holder about their own, each manager about their team, nobody else', () => {
    const items = remindersEntering([held(1, 10, '2027-01-10'), held(2, 11, '2027-01-10', 'Forklift')], lead, ['2026-12-11']);
    // 10 and 11 are in the team of manager 20; 11 is also in manager 21's team. Manager 20 holds nothing due.
    const messages = planReminderMessages(
      items,
      new Map([
        [10, [20]],
        [11, [20, 21, 11]],
      ]),
    );
    expect(messages.map((m) => [m.recipientId, m.own.map((i) => i.recordId), m.team.map((i) => i.recordId)])).toEqual([
      [10, [1], []],
      [11, [2], []],
      [20, [], [1, 2]],
      [21, [], [2]],
    ]);
  });
  it('skips what a recipient was already told by an earlier run', () => {
    const items = remindersEntering([held(1, 10, '2027-01-10')], lead, ['2026-12-10', '2026-12-11']);
    expect(planReminderMessages(items, new Map([[10, [20]]]), new Map([[10, '2026-12-11']])).map((m) => m.recipientId)).toEqual([20]);
  });
  it('says what expires and when in the subject', () => {
    const one = remindersEntering([held(1, 10, '2027-01-10')], lead, ['2026-12-11']);
    const [own] = planReminderMessages(one, new Map());
    expect(reminderSubject(own!)).toBe('Your First aid at work expires on 10 January 2027');
    const two = remindersEntering([held(1, 10, '2026-12-31'), held(2, 10, '2027-01-10', 'Forklift')], [20, 30], ['2026-12-11']);
    expect(reminderSubject(planReminderMessages(two, new Map())[0]!)).toBe('2 certifications expire by 10 January 2027');
    const team = planReminderMessages(two, new Map([[10, [20]]])).find((m) => m.recipientId === 20)!;
    expect(reminderSubject(team)).toBe('2 certifications in your team expire by 10 January 2027');
    expect(reminderSubject({ own: [], team: [one[0]!] })).toBe('Person 10’s First aid at work expires on 10 January 2027');
  });
  it('has the action as a button and a link, and the unsubscribe and settings links, in text and HTML', () => {
    const [message] = planReminderMessages(remindersEntering([held(1, 10, '2027-01-10')], lead, ['2026-12-11']), new Map());
    const { text, html } = composeEmail(reminderEmail(message!, '2026-12-11', links));
    expect(text).toContain('First aid at work, expires on 10 January 2027 (in 30 days)');
    expect(text).toContain(`Open my certifications: ${links.action}`);
    expect(text).toContain(links.unsubscribe);
    expect(text).toContain(links.settings);
    expect(html).toContain(`href="${links.action}"`);
    expect(html).toContain(`href="${links.unsubscribe}"`);
  });
});

const plan = (overrides: Partial<DigestPlan> = {}): DigestPlan => ({
  planId: 1,
  newHireId: 10,
  newHireName: 'Nina',
  startDate: '2026-12-01',
  managerIds: [20],
  tasks: [
    { id: 1, title: 'Meet the team', owner: 'new-hire', buddyUserId: null, dueDay: 3, done: false }, // 12-03: overdue on 12-07
    { id: 2, title: 'Shadow a shift', owner: 'buddy', buddyUserId: 30, dueDay: 9, done: false }, // 12-09
    { id: 3, title: 'First one-to-one', owner: 'manager', buddyUserId: null, dueDay: 13, done: false }, // 12-13
    { id: 4, title: 'Read the handbook', owner: 'new-hire', buddyUserId: null, dueDay: 8, done: true },
    { id: 5, title: 'Process review', owner: 'new-hire', buddyUserId: null, dueDay: 20, done: false }, // 12-20: next week
  ],
  ...overrides,
});

describe('ramp digest', () => {
  it('gives each person their own open tasks due in 7 days and overdue ones', () => {
    const messages = planRampDigests([plan()], '2026-12-07');
    expect(messages.map((m) => [m.recipientId, m.items.map((i) => [i.taskId, i.overdue])])).toEqual([
      [10, [[1, true]]],
      [20, [[3, false]]],
      [30, [[2, false]]],
    ]);
  });
  it('tells nobody about a buddy task with no buddy, nor anyone with nothing due', () => {
    const tasks = [{ id: 2, title: 'Shadow', owner: 'buddy' as const, buddyUserId: null, dueDay: 9, done: false }];
    expect(planRampDigests([plan({ tasks })], '2026-12-07')).toEqual([]);
  });
  it('says how many are due by when, and how many are overdue', () => {
    expect(
      digestSubject(
        [
          { dueDate: '2026-12-03', overdue: true },
          { dueDate: '2026-12-13', overdue: false },
        ],
        '2026-12-07',
      ),
    ).toBe('2 ramp tasks due by 13 December 2026 (1 overdue)');
    expect(digestSubject([{ dueDate: '2026-12-03', overdue: true }], '2026-12-07')).toBe('1 ramp task overdue');
  });
});

describe('team summary', () => {
  it('lists expiring and expired certifications and plans at risk of the manager’s team only', () => {
    const certs = [held(1, 10, '2026-12-20'), held(2, 11, '2026-12-01'), held(3, 12, '2027-06-01'), held(4, 40, '2026-12-20')];
    const managers = new Map([
      [10, [20]],
      [11, [20]],
      [12, [20]],
      [40, [21]],
    ]);
    const summaries = planTeamSummaries(certs, [plan()], managers, '2026-12-07', [30]);
    const mine = summaries.find((s) => s.recipientId === 20)!.summary;
    expect(mine.expiring.map((c) => c.recordId)).toEqual([1]);
    expect(mine.expired.map((c) => c.recordId)).toEqual([2]);
    expect(mine.atRisk.map((p) => p.newHireName)).toEqual(['Nina']);
    expect(summaries.find((s) => s.recipientId === 21)!.summary.expiring.map((c) => c.recordId)).toEqual([4]);
    expect(summarySubject(mine)).toBe('Your team: 1 certification expires by 20 December 2026, 1 expired, 1 plan at risk');
  });
});
