import { describe, expect, it } from 'vitest';
import {
  buildComplianceMatrix,
  calendarEvents,
  certificationState,
  computeExpiry,
  computeExpiryFor,
  currentPlan,
  currentRecord,
  describeDaysLeft,
  describeReminder,
  filterReminders,
  reminderSortKey,
  DEFAULT_LEAD_DAYS,
  dueReminder,
  historyOf,
  isReachedReminder,
  normaliseLeadDays,
  reminderDates,
  timelineOf,
  type CertificationFacts,
  type CertRecord,
} from '#domain/certifications.ts';
import { addDays, localDate } from '#domain/calendar.ts';

const PMP: CertificationFacts = {
  id: 'pmi-pmp',
  name: 'Project Management Professional',
  shortName: 'PMP',
  validity: { kind: 'months', months: 36 },
};
const PL300: CertificationFacts = {
  id: 'ms-pl300',
  name: 'Power BI Data Analyst',
  shortName: 'PL-300',
  validity: { kind: 'months', months: 12 },
};
const CSSGB: CertificationFacts = { id: 'asq-cssgb', name: 'Six Sigma Green Belt', shortName: 'CSSGB', validity: { kind: 'lifetime' } };
const LEAN: CertificationFacts = {
  id: 'lean-management',
  name: 'Lean certificate',
  shortName: 'Lean',
  validity: { kind: 'unknown', note: 'No data.' },
};
const CATALOG = new Map([PMP, PL300, CSSGB, LEAN].map((c) => [c.id, c]));

let nextId = 1;
const rec = (r: Partial<CertRecord> & Pick<CertRecord, 'certificationId'>): CertRecord => ({
  id: nextId++,
  status: 'earned',
  earnedOn: null,
  expiresOn: null,
  renewsRecordId: null,
  ...r,
});

describe('calendar dates', () => {
  // The date arithmetic itself is tested in calendar.test.ts.
  it('the local "today" changes the state of a certification expiring at midnight', () => {
    const records = [rec({ certificationId: 'ms-pl300', earnedOn: '2025-03-02', expiresOn: '2026-03-02' })];
    const instant = new Date('2026-03-01T23:30:00Z');
    const inBucharest = certificationState(
      { records, required: false, recommended: false, today: localDate(instant, 'Europe/Bucharest'), leadDays: DEFAULT_LEAD_DAYS },
      PL300.validity,
    );
    const inNewYork = certificationState(
      { records, required: false, recommended: false, today: localDate(instant, 'America/New_York'), leadDays: DEFAULT_LEAD_DAYS },
      PL300.validity,
    );
    expect(inBucharest.state).toBe('expired');
    expect(inNewYork.state).toBe('expiring');
    expect(inNewYork.daysLeft).toBe(1);
  });
});

describe('computeExpiry', () => {
  it('adds the catalog validity to the earned date', () => {
    expect(computeExpiry(PMP, '2023-05-10')).toMatchObject({ expiresOn: '2026-05-10', source: 'computed' });
    expect(computeExpiry(PL300, '2024-02-29')).toMatchObject({ expiresOn: '2025-02-28', source: 'computed' });
  });

  it('keeps a date the holder entered (editable), whatever the catalog says', () => {
    expect(computeExpiry(PMP, '2023-05-10', '2026-06-30')).toMatchObject({ expiresOn: '2026-06-30', source: 'entered' });
    expect(computeExpiry(LEAN, '2023-05-10', '2025-05-10')).toMatchObject({ expiresOn: '2025-05-10', source: 'entered' });
  });

  it('gives lifetime certifications no expiry', () => {
    const result = computeExpiry(CSSGB, '2020-01-01');
    expect(result.expiresOn).toBeNull();
    expect(result.source).toBe('lifetime');
    expect(result.explanation).toMatch(/does not expire/);
  });

  it('computes nothing for an unknown validity and says so', () => {
    const result = computeExpiry(LEAN, '2024-06-01');
    expect(result.expiresOn).toBeNull();
    expect(result.source).toBe('unknown-validity');
    expect(result.explanation).toMatch(/No validity rule is known for Lean/);
  });

  it('has no expiry before the certification is earned', () => {
    expect(computeExpiry(PMP, null)).toMatchObject({ expiresOn: null, source: 'not-earned' });
  });

  it('gives the stored expires_on and expiry_source: entered wins, no source without an expiry', () => {
    expect(computeExpiryFor(PMP, '2024-02-29', null)).toEqual({ expiresOn: '2027-02-28', expirySource: 'computed' });
    expect(computeExpiryFor(PMP, '2024-02-29', '2027-06-01')).toEqual({ expiresOn: '2027-06-01', expirySource: 'entered' });
    expect(computeExpiryFor(CSSGB, '2024-02-29', null)).toEqual({ expiresOn: null, expirySource: null });
    expect(computeExpiryFor(LEAN, '2024-02-29', null)).toEqual({ expiresOn: null, expirySource: null });
    expect(computeExpiryFor(PMP, null, null)).toEqual({ expiresOn: null, expirySource: null });
  });
});

describe('certificationState', () => {
  const today = '2026-11-22';
  const state = (
    records: CertRecord[],
    entry: CertificationFacts,
    extra: { required?: boolean; recommended?: boolean; leadDays?: number[] } = {},
  ) =>
    certificationState(
      {
        records,
        required: extra.required ?? false,
        recommended: extra.recommended ?? false,
        today,
        leadDays: extra.leadDays ?? [...DEFAULT_LEAD_DAYS],
      },
      entry.validity,
    );

  it('is valid outside the largest reminder window and expiring inside it', () => {
    expect(state([rec({ certificationId: 'pmi-pmp', earnedOn: '2025-01-01', expiresOn: '2028-01-01' })], PMP).state).toBe('valid');
    const expiring = state([rec({ certificationId: 'pmi-pmp', earnedOn: '2023-12-12', expiresOn: '2026-12-12' })], PMP);
    expect(expiring.state).toBe('expiring');
    expect(expiring.daysLeft).toBe(20);
    // Exactly 90 days: inside; 91: outside.
    expect(state([rec({ certificationId: 'pmi-pmp', earnedOn: '2023-01-01', expiresOn: addDays(today, 90) })], PMP).state).toBe('expiring');
    expect(state([rec({ certificationId: 'pmi-pmp', earnedOn: '2023-01-01', expiresOn: addDays(today, 91) })], PMP).state).toBe('valid');
  });

  it('uses the organisation lead times for the window', () => {
    const records = [rec({ certificationId: 'pmi-pmp', earnedOn: '2023-01-01', expiresOn: addDays(today, 45) })];
    expect(state(records, PMP, { leadDays: [30, 7] }).state).toBe('valid');
    expect(state(records, PMP, { leadDays: [60] }).state).toBe('expiring');
  });

  it('is expired from the expiry date on', () => {
    expect(state([rec({ certificationId: 'pmi-pmp', earnedOn: '2023-11-22', expiresOn: today })], PMP)).toMatchObject({
      state: 'expired',
      daysLeft: 0,
    });
    expect(state([rec({ certificationId: 'pmi-pmp', earnedOn: '2023-11-23', expiresOn: addDays(today, 1) })], PMP)).toMatchObject({
      state: 'expiring',
      daysLeft: 1,
    });
  });

  it('is lifetime for a lifetime certification without an expiry', () => {
    expect(state([rec({ certificationId: 'asq-cssgb', earnedOn: '2015-03-01' })], CSSGB)).toMatchObject({
      state: 'lifetime',
      expiresOn: null,
    });
  });

  it('is "held, expiry unknown" for an unknown validity without an entered date, and follows an entered date', () => {
    expect(state([rec({ certificationId: 'lean-management', earnedOn: '2024-06-01' })], LEAN).state).toBe('unknown-expiry');
    expect(state([rec({ certificationId: 'lean-management', earnedOn: '2024-06-01', expiresOn: '2026-06-01' })], LEAN).state).toBe(
      'expired',
    );
  });

  it('is missing when the tier requires it and it is not held, even with a plan (kept alongside)', () => {
    expect(state([], PMP, { required: true }).state).toBe('missing');
    const planned = state([rec({ certificationId: 'pmi-pmp', status: 'planned' })], PMP, { required: true });
    expect(planned.state).toBe('missing');
    expect(planned.plan?.status).toBe('planned');
  });

  it('is planned, in progress, recommended or none when not held and not required', () => {
    expect(state([rec({ certificationId: 'pmi-pmp', status: 'planned' })], PMP).state).toBe('planned');
    expect(state([rec({ certificationId: 'pmi-pmp', status: 'in_progress' })], PMP).state).toBe('in-progress');
    expect(state([], PMP, { recommended: true }).state).toBe('recommended');
    expect(state([], PMP).state).toBe('none');
  });

  it('an expired required certification is expired (and flagged required), not missing', () => {
    const s = state([rec({ certificationId: 'pmi-pmp', earnedOn: '2020-01-01', expiresOn: '2023-01-01' })], PMP, { required: true });
    expect(s).toMatchObject({ state: 'expired', required: true });
  });
});

describe('renewals', () => {
  it('the newest earned record supersedes older ones; history keeps all', () => {
    const old = rec({ certificationId: 'pmi-pmp', earnedOn: '2020-05-01', expiresOn: '2023-05-01' });
    const renewal = rec({ certificationId: 'pmi-pmp', earnedOn: '2023-04-20', expiresOn: '2026-05-01', renewsRecordId: old.id });
    const records = [renewal, old];
    expect(currentRecord(records)?.id).toBe(renewal.id);
    expect(historyOf(records).map((r) => r.id)).toEqual([renewal.id, old.id]);
    expect(
      certificationState({ records, required: true, recommended: false, today: '2026-11-22', leadDays: [90] }, PMP.validity).state,
    ).toBe('expired');
    const renewed2 = rec({ certificationId: 'pmi-pmp', earnedOn: '2026-11-01', expiresOn: '2029-11-01', renewsRecordId: renewal.id });
    expect(
      certificationState(
        { records: [...records, renewed2], required: true, recommended: false, today: '2026-11-22', leadDays: [90] },
        PMP.validity,
      ).state,
    ).toBe('valid');
  });

  it('an earlier-dated record entered later does not supersede a newer one', () => {
    const newer = rec({ certificationId: 'pmi-pmp', earnedOn: '2024-01-01', expiresOn: '2027-01-01' });
    const backfilled = rec({ certificationId: 'pmi-pmp', earnedOn: '2021-01-01', expiresOn: '2024-01-01' });
    expect(currentRecord([newer, backfilled])?.id).toBe(newer.id);
  });

  it('a plan made before the certificate was earned is settled by it; a later plan stays', () => {
    const plan = rec({ certificationId: 'pmi-pmp', status: 'planned' });
    const earned = rec({ certificationId: 'pmi-pmp', earnedOn: '2025-01-01', expiresOn: '2028-01-01' });
    expect(currentPlan([plan, earned])).toBeNull();
    const next = rec({ certificationId: 'pmi-pmp', status: 'in_progress' });
    expect(currentPlan([plan, earned, next])?.id).toBe(next.id);
  });
});

describe('reminders', () => {
  it('falls on each lead time before expiry, earliest first, across leap days', () => {
    expect(reminderDates('2028-03-01', [7, 90, 30, 60])).toEqual([
      { leadDays: 90, date: '2027-12-02' },
      { leadDays: 60, date: '2028-01-01' },
      { leadDays: 30, date: '2028-01-31' },
      { leadDays: 7, date: '2028-02-23' },
    ]);
    expect(reminderDates('2028-03-01', [1])).toEqual([{ leadDays: 1, date: '2028-02-29' }]);
    expect(reminderDates('2024-05-29', [90])).toEqual([{ leadDays: 90, date: '2024-02-29' }]);
  });

  it('cleans lead times', () => {
    expect(normaliseLeadDays([7, 90, 7, 0, -3, 400, 2.5, 30])).toEqual([90, 30, 7]);
  });

  const record = rec({ certificationId: 'pmi-pmp', earnedOn: '2023-12-12', expiresOn: '2026-12-12' });

  it('is due from a reminder date on, one line per record (the latest reached)', () => {
    // 2026-12-12 - 90 = 2026-09-13, - 60 = 2026-10-13, - 30 = 2026-11-12, - 7 = 2026-12-05.
    expect(dueReminder(record, DEFAULT_LEAD_DAYS, '2026-09-12', new Set())).toBeNull();
    expect(dueReminder(record, DEFAULT_LEAD_DAYS, '2026-09-13', new Set())).toMatchObject({
      leadDays: 90,
      date: '2026-09-13',
      daysLeft: 90,
    });
    expect(dueReminder(record, DEFAULT_LEAD_DAYS, '2026-11-22', new Set())).toMatchObject({
      leadDays: 30,
      date: '2026-11-12',
      daysLeft: 20,
    });
  });

  it('handling a reminder silences it until the next lead time', () => {
    const handled = new Set(['2026-11-12']);
    expect(dueReminder(record, DEFAULT_LEAD_DAYS, '2026-11-22', handled)).toBeNull();
    expect(dueReminder(record, DEFAULT_LEAD_DAYS, '2026-12-05', handled)).toMatchObject({ leadDays: 7 });
  });

  it('stays due after expiry until handled', () => {
    expect(dueReminder(record, DEFAULT_LEAD_DAYS, '2027-01-10', new Set())).toMatchObject({ leadDays: 7, daysLeft: -29 });
    expect(dueReminder(record, DEFAULT_LEAD_DAYS, '2027-01-10', new Set(['2026-12-05']))).toBeNull();
  });

  it('never falls for lifetime, unknown-expiry or unearned records', () => {
    expect(
      dueReminder(rec({ certificationId: 'asq-cssgb', earnedOn: '2020-01-01' }), DEFAULT_LEAD_DAYS, '2026-11-22', new Set()),
    ).toBeNull();
    expect(dueReminder(rec({ certificationId: 'pmi-pmp', status: 'planned' }), DEFAULT_LEAD_DAYS, '2026-11-22', new Set())).toBeNull();
  });

  it('recognises only real, reached reminder dates of a record', () => {
    expect(isReachedReminder(record, DEFAULT_LEAD_DAYS, '2026-11-12', '2026-11-22')).toBe(true);
    expect(isReachedReminder(record, DEFAULT_LEAD_DAYS, '2026-12-05', '2026-11-22')).toBe(false);
    expect(isReachedReminder(record, DEFAULT_LEAD_DAYS, '2026-11-13', '2026-11-22')).toBe(false);
  });

  it('describes the days left', () => {
    expect(describeDaysLeft(20)).toBe('Expires in 20 days');
    // An expired certificate is not an early reminder any more (it read "7-day reminder, due since …").
    const expired = describeReminder({ daysLeft: -61, expiresOn: '2026-10-02', leadDays: 7, date: '2026-09-25' });
    expect(expired).toEqual({
      badge: 'Expired 61 days ago',
      tone: 'danger',
      detail: expect.stringMatching(/^on .+\. It is no longer valid/),
    });
    expect(expired.detail).not.toMatch(/reminder/);
    const early = describeReminder({ daysLeft: 21, expiresOn: '2026-12-23', leadDays: 30, date: '2026-11-23' });
    expect(early).toMatchObject({ badge: 'Expires in 21 days', tone: 'warn', detail: expect.stringMatching(/30-day reminder, due since/) });
    expect(describeDaysLeft(0)).toBe('Expires today');
    expect(describeDaysLeft(-3)).toBe('Expired 3 days ago');
  });
});

describe('calendarEvents', () => {
  it('lists each expiry and reminder date of current records only', () => {
    const old = rec({ certificationId: 'pmi-pmp', earnedOn: '2020-05-01', expiresOn: '2023-05-01' });
    const renewal = rec({ certificationId: 'pmi-pmp', earnedOn: '2023-04-20', expiresOn: '2026-05-01', renewsRecordId: old.id });
    const lifetime = rec({ certificationId: 'asq-cssgb', earnedOn: '2019-01-01' });
    const events = calendarEvents({ id: 7, name: 'Tom' }, [old, renewal, lifetime], CATALOG, [30, 7], {
      includeName: false,
      uidDomain: 'test',
    });
    expect(events.map((e) => [e.kind, e.date])).toEqual([
      ['reminder', '2026-04-01'],
      ['reminder', '2026-04-24'],
      ['expiry', '2026-05-01'],
    ]);
    expect(events[2]!.title).toBe('PMP expires');
    expect(new Set(events.map((e) => e.uid)).size).toBe(3);
    // The feed dates each event by its record's timestamps.
    expect(events.map((e) => e.recordId)).toEqual([renewal.id, renewal.id, renewal.id]);
    const team = calendarEvents({ id: 7, name: 'Tom' }, [renewal], CATALOG, [30], { includeName: true, uidDomain: 'test' });
    expect(team[1]!.title).toBe('Tom: PMP expires');
  });
});

describe('buildComplianceMatrix', () => {
  const people = [
    { id: 1, name: 'Ana', jobRole: 'operations-officer', tier: 'mid', teamId: 1, teamName: 'A' },
    { id: 2, name: 'Bo', jobRole: 'operations-assistant', tier: 'junior', teamId: 1, teamName: 'A' },
  ];
  const records = [
    { ...rec({ certificationId: 'pmi-pmp', earnedOn: '2023-12-12', expiresOn: '2026-12-12' }), userId: 1 },
    { ...rec({ certificationId: 'asq-cssgb', earnedOn: '2019-01-01' }), userId: 1 },
    { ...rec({ certificationId: 'ms-pl300', earnedOn: '2026-03-01', expiresOn: '2027-03-01' }), userId: 2 },
  ];
  const input = {
    people,
    records,
    catalog: CATALOG,
    required: new Map([['operations-assistant/junior', new Set(['lean-management'])]]),
    recommended: new Map([['operations-officer/mid', new Set(['ms-pl300'])]]),
    today: '2026-11-22',
    leadDays: DEFAULT_LEAD_DAYS,
  };

  it('has a column per certification that matters and a state per cell, with counts', () => {
    const m = buildComplianceMatrix(input);
    expect(m.columns.map((c) => c.id)).toEqual(['pmi-pmp', 'ms-pl300', 'asq-cssgb', 'lean-management']);
    const ana = m.rows[0]!.cells.map((c) => c.state);
    expect(ana).toEqual(['expiring', 'recommended', 'lifetime', 'none']);
    const bo = m.rows[1]!.cells.map((c) => c.state);
    expect(bo).toEqual(['none', 'valid', 'none', 'missing']);
    expect(m.counts).toMatchObject({ expiring: 1, valid: 1, lifetime: 1, missing: 1, recommended: 1, none: 3 });
  });

  it('filters by state (people with a matching cell; counts of matching cells) and by certification', () => {
    const missing = buildComplianceMatrix({ ...input, filters: { states: ['missing'] } });
    expect(missing.rows.map((r) => r.person.name)).toEqual(['Bo']);
    expect(missing.counts.missing).toBe(1);
    expect(missing.counts.valid).toBe(0);
    const pmp = buildComplianceMatrix({ ...input, filters: { certificationId: 'pmi-pmp' } });
    expect(pmp.columns.map((c) => c.id)).toEqual(['pmi-pmp']);
    expect(pmp.rows).toHaveLength(2);
  });

  it('puts expiries of the next 12 months on a monthly timeline', () => {
    const m = buildComplianceMatrix(input);
    expect(m.timeline).toHaveLength(12);
    expect(m.timeline[0]!.month).toBe('2026-11');
    expect(m.timeline[1]).toMatchObject({ month: '2026-12', count: 1 });
    expect(m.timeline[4]).toMatchObject({ month: '2027-03', count: 1 });
    expect(m.timeline.reduce((n, t) => n + t.count, 0)).toBe(2);
  });

  it('timeline buckets start with the month of today', () => {
    const t = timelineOf([{ personName: 'X', certificationId: 'pmi-pmp', expiresOn: '2027-10-31' }], '2026-11-30');
    expect(t.at(-1)).toMatchObject({ month: '2027-10', count: 1 });
  });
});

describe('the reminders list filter', () => {
  const item = (name: string, certificationId: string, certificationName: string, daysLeft: number) => ({
    person: { name },
    certificationId,
    certificationName,
    daysLeft,
  });
  const items = [
    item('Ștefan Pop', 'ms-pl300', 'Microsoft PL-300', -2),
    item('Ana Ionescu', 'ms-pl300', 'Microsoft PL-300', 12),
    item('Ana Ionescu', 'other', 'Forklift licence', 45),
  ];
  const names = (list: typeof items) => list.map((r) => `${r.person.name}/${r.certificationId}`);

  it('finds a part of a person or certification name, with case and accents folded', () => {
    expect(names(filterReminders(items, { q: 'stef', certificationId: null, window: 'all' }))).toEqual(['Ștefan Pop/ms-pl300']);
    expect(names(filterReminders(items, { q: 'FORK', certificationId: null, window: 'all' }))).toEqual(['Ana Ionescu/other']);
    expect(filterReminders(items, { q: null, certificationId: null, window: 'all' })).toHaveLength(3);
  });

  it('keeps one certification, the expired, or those within 30 days', () => {
    expect(names(filterReminders(items, { q: null, certificationId: 'ms-pl300', window: 'all' }))).toHaveLength(2);
    expect(names(filterReminders(items, { q: null, certificationId: null, window: 'expired' }))).toEqual(['Ștefan Pop/ms-pl300']);
    expect(names(filterReminders(items, { q: 'ana', certificationId: null, window: 'within-30' }))).toEqual(['Ana Ionescu/ms-pl300']);
  });

  it('sorts by the key as by the days left, expired first', () => {
    const days = [-400, -3, 0, 1, 9, 10, 100, 3650];
    const keys = days.map((d) => reminderSortKey({ daysLeft: d, person: { name: 'A' } }));
    expect([...keys].sort()).toEqual(keys);
  });
});
