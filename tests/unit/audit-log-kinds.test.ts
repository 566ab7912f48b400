// Every audit action has a sentence of its own and a kind the audit log's
// filter groups it under. The list below is typed as every AuditAction: a new
// action added to src/lib/server/audit/index.ts without an entry here fails
// the typecheck, and without its own sentence fails this test.
import { describe, expect, it } from 'vitest';
import {
  AUDIT_KIND_LABELS,
  AUDIT_KINDS,
  auditKindOf,
  auditSubject,
  describeAuditEvent,
  fallbackWording,
  isAuditKind,
  type AuditKind,
} from '#domain/audit-events.ts';
import { localDate, localDayStart, localTime } from '#domain/calendar.ts';
import type { AuditAction } from '#server/audit/index.ts';

/** Each action with the kind it belongs to, and a snapshot like the one its writer records. */
const EVERY_ACTION: Record<AuditAction, { kind: AuditKind; before?: Record<string, unknown>; after?: Record<string, unknown> }> = {
  'org.created': { kind: 'settings', after: { name: 'Demo' } },
  'org.time_zone_changed': { kind: 'settings', before: { timeZone: 'UTC' }, after: { timeZone: 'Europe/Bucharest' } },
  'org.spreadsheet_locale_changed': { kind: 'settings', before: { spreadsheetLocale: 'iso' }, after: { spreadsheetLocale: 'ro' } },
  'org.company_sign_in_changed': { kind: 'settings', after: { requireCompanySignIn: true, createPeopleOnFirstSignIn: false } },
  'auth.sign_in': { kind: 'sign-in', after: { method: 'password' } },
  'auth.sign_in_failed': { kind: 'sign-in', after: { reason: 'wrong password' } },
  'auth.sign_out': { kind: 'sign-in' },
  'auth.sign_out_everywhere': { kind: 'sign-in', after: { endedSessions: 2 } },
  'auth.password_changed': { kind: 'sign-in', after: { endedSessions: 1 } },
  'user.created': { kind: 'people', after: { role: 'member', startDate: '2026-10-01' } },
  'user.updated': { kind: 'people', before: { displayName: 'Ana' }, after: { displayName: 'Ana B.' } },
  'user.role_changed': { kind: 'people', before: { role: 'member' }, after: { role: 'manager', endedSessions: 0 } },
  'user.deactivated': { kind: 'people', after: { active: false, endedSessions: 1 } },
  'people.imported': {
    kind: 'people',
    after: { fileName: 'HR export December', created: 2, updated: 1, teamsCreated: 1, managersChanged: 1, deactivated: 0, invited: 2 },
  },
  'user.activated': { kind: 'people', after: { active: true } },
  'user.teams_changed': { kind: 'people', before: { teamIds: [1] }, after: { teamIds: [2], teamName: 'B' } },
  'team.created': { kind: 'people', after: { name: 'Warehouse' } },
  'team.renamed': { kind: 'people', before: { name: 'A' }, after: { name: 'B' } },
  'team.manager_changed': { kind: 'people', before: { managerUserId: 1 }, after: { managerUserId: 2 } },
  'team.member_added': { kind: 'people', after: { userId: 3 } },
  'team.member_removed': { kind: 'people', before: { userId: 3 } },
  'skill.catalog_synced': { kind: 'ratings', after: { catalogSize: 40 } },
  'skill.created': { kind: 'ratings', after: { name: 'Forklift' } },
  'skill.rated': { kind: 'ratings', after: { skillId: 'x', kind: 'self', level: 2 } },
  'skill.ratings_imported': { kind: 'ratings', after: { rows: 3, written: 2, skipped: 1 } },
  'skill.target_set': {
    kind: 'ratings',
    before: { jobRole: 'operations-officer', tier: 'junior', skillId: 'sql-basics', level: 2, source: 'suggestion' },
    after: { jobRole: 'operations-officer', tier: 'junior', skillId: 'sql-basics', level: 3, source: 'organisation' },
  },
  'skill.resource_added': { kind: 'ratings', after: { skillId: 'sql-basics', title: 'SQL in a day' } },
  'skill.resource_removed': { kind: 'ratings', before: { skillId: 'sql-basics', title: 'SQL in a day' } },
  'ramp.plan_started': { kind: 'ramp', after: { startDate: '2026-11-02' } },
  'ramp.plan_completed': { kind: 'ramp' },
  'ramp.plan_closed': { kind: 'ramp' },
  'ramp.task_added': { kind: 'ramp', after: { title: 'Meet the team' } },
  'ramp.task_updated': { kind: 'ramp', after: { title: 'Meet the team' } },
  'ramp.task_moved': { kind: 'ramp', after: { dueDay: 3 } },
  'ramp.task_removed': { kind: 'ramp', before: { title: 'Meet the team' } },
  'ramp.task_done': { kind: 'ramp', after: { taskId: 4 } },
  'ramp.task_undone': { kind: 'ramp', after: { taskId: 4 } },
  'certification.record_added': { kind: 'certifications', after: { certificationId: 'osha-10' } },
  'certification.record_updated': { kind: 'certifications' },
  'certification.record_renewed': { kind: 'certifications' },
  'certification.reminder_handled': { kind: 'certifications' },
  'certification.settings_updated': { kind: 'certifications', after: { leadDays: [30] } },
  'certification.requirement_added': { kind: 'certifications' },
  'certification.requirement_removed': { kind: 'certifications' },
  'calendar.token_created': { kind: 'account' },
  'calendar.token_revoked': { kind: 'account' },
  'outbox.message_resent': { kind: 'outbox', before: { state: 'failed', attempts: 3 } },
  'account.reset_requested': { kind: 'account' },
  'account.reset_started': { kind: 'account' },
  'account.password_reset': { kind: 'account', after: { endedSessions: 1 } },
  'account.invitation_sent': { kind: 'account', after: {} },
  'account.invitation_revoked': { kind: 'account' },
  'account.invitation_accepted': { kind: 'account' },
  'account.email_change_requested': { kind: 'account', before: { email: 'a@x.test' }, after: { newEmail: 'b@x.test' } },
  'account.email_changed': { kind: 'account', before: { email: 'a@x.test' }, after: { email: 'b@x.test' } },
  'notification.settings_changed': { kind: 'account', after: { off: [] } },
  'notification.unsubscribed': { kind: 'account', after: { kind: 'digest' } },
  'review.cycle_opened': { kind: 'reviews', after: { name: 'Spring 2027', dueOn: '2027-04-30', people: 8 } },
  'review.changed': { kind: 'reviews', after: { event: 'submitSelf', step: 'assessing', subjectUserId: 3 } },
};

describe('every audit action', () => {
  const actions = Object.entries(EVERY_ACTION);

  it.each(actions)('%s has its own sentence, with no code, JSON or missing value in it', (action, sample) => {
    const sentence = describeAuditEvent({ action, ...sample });
    expect(sentence).not.toBe(fallbackWording(action));
    // What a person typed (an email address, a name) is quoted; the words around it must hold no code.
    expect(sentence.replace(/“[^”]*”/g, '“…”')).not.toMatch(/[{}_]|\b[a-z]+\.[a-z_]+\b|undefined|null|NaN|\[object/);
    expect(sentence).not.toMatch(/undefined|null|NaN|\[object/);
    expect(sentence).toMatch(/^[A-Z]/);
  });

  it.each(actions)('%s belongs to its kind', (action, sample) => {
    expect(auditKindOf(action)).toBe(sample.kind);
  });

  it('puts no current action under "other"', () => {
    expect(actions.filter(([action]) => auditKindOf(action) === 'other').map(([action]) => action)).toEqual([]);
  });

  it('leaves no kind but "other" without an action', () => {
    const used = new Set(actions.map(([, s]) => s.kind));
    expect(AUDIT_KINDS.filter((k) => k !== 'other' && !used.has(k))).toEqual([]);
    for (const k of AUDIT_KINDS) expect(AUDIT_KIND_LABELS[k]).toMatch(/^[A-Z]/);
  });
});

describe('auditKindOf', () => {
  it('puts an unknown family, or no family, under other', () => {
    expect(auditKindOf('import.applied')).toBe('other');
    expect(auditKindOf('nodot')).toBe('other');
    expect(auditKindOf('.x')).toBe('other');
    expect(isAuditKind('people')).toBe(true);
    expect(isAuditKind('user')).toBe(false);
  });
  it('gives an action added later to a known family that family’s kind', () => {
    expect(auditKindOf('user.email_changed')).toBe('people');
  });
});

describe('auditSubject', () => {
  it('is the person or team, else what the record was', () => {
    expect(auditSubject({ targetType: 'user', subjectName: 'Ana' })).toBe('Ana');
    expect(auditSubject({ targetType: 'organisation', subjectName: null })).toBe('The organisation');
    expect(auditSubject({ targetType: null, subjectName: null })).toBe('');
    expect(auditSubject({ targetType: 'ramp_plan', subjectName: null })).toBe('A record that no longer exists');
  });
});

describe('localDayStart', () => {
  it('is local midnight as an instant, on both sides of a clock change', () => {
    expect(localDayStart('2026-12-03', 'UTC').toISOString()).toBe('2026-12-03T00:00:00.000Z');
    expect(localDayStart('2026-12-03', 'Europe/Bucharest').toISOString()).toBe('2026-12-02T22:00:00.000Z');
    expect(localDayStart('2026-07-01', 'Europe/Bucharest').toISOString()).toBe('2026-06-30T21:00:00.000Z');
    // Bucharest moves its clocks at 03:00 local on 29 March and 25 October 2026.
    expect(localDayStart('2026-03-29', 'Europe/Bucharest').toISOString()).toBe('2026-03-28T22:00:00.000Z');
    expect(localDayStart('2026-03-30', 'Europe/Bucharest').toISOString()).toBe('2026-03-29T21:00:00.000Z');
    expect(localDayStart('2026-10-26', 'Europe/Bucharest').toISOString()).toBe('2026-10-25T22:00:00.000Z');
    expect(localDayStart('2026-12-03', 'America/New_York').toISOString()).toBe('2026-12-03T05:00:00.000Z');
    expect(localDayStart('2026-12-03', 'Pacific/Kiritimati').toISOString()).toBe('2026-12-02T10:00:00.000Z');
  });

  it('starts at the first minute that exists where a clock change skips midnight', () => {
    // Santiago moved from 00:00 to 01:00 on 6 September 2026 (Chilean summer time).
    const start = localDayStart('2026-09-06', 'America/Santiago');
    expect(localDate(start, 'America/Santiago')).toBe('2026-09-06');
    expect(localDate(new Date(start.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
  });

  it('every instant of a day maps back to that day, and one millisecond earlier to the day before', () => {
    for (const zone of ['UTC', 'Europe/Bucharest', 'Asia/Kolkata', 'America/Los_Angeles', 'Australia/Lord_Howe']) {
      for (const date of ['2026-01-01', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01']) {
        const start = localDayStart(date, zone);
        expect(localDate(start, zone), `${zone} ${date}`).toBe(date);
        expect(localDate(new Date(start.getTime() - 1), zone), `${zone} ${date}`).not.toBe(date);
      }
    }
  });

  it('writes the wall-clock time', () => {
    expect(localTime(new Date('2026-12-03T06:05:00Z'), 'Europe/Bucharest')).toBe('08:05');
    expect(localTime(new Date('2026-12-03T23:59:59Z'), 'UTC')).toBe('23:59');
  });
});
