// Audit events in words (the person page's "Recent changes"): every event a
// person's page shows reads as a sentence, with no raw code or JSON.
import { describe, expect, it } from 'vitest';
import { auditActor, describeAuditEvent } from '#domain/audit-events.ts';
import { formatLongDay } from '#domain/calendar.ts';

describe('describeAuditEvent', () => {
  it('says what changed on a profile, with dates and role names in words', () => {
    const position = (role: string | null, tier: string | null) =>
      `${role === 'operations-officer' ? 'Operations Officer' : role} · ${tier}`;
    // updatePerson records role and tier together whenever either changes.
    expect(
      describeAuditEvent(
        {
          action: 'user.updated',
          before: { displayName: 'Ana', startDate: '2026-09-01', jobRole: 'operations-officer', tier: 'junior' },
          after: { displayName: 'Ana B.', startDate: '2026-09-02', jobRole: 'operations-officer', tier: 'senior' },
        },
        { position },
      ),
    ).toBe(
      `Changed the name from “Ana” to “Ana B.”; the role and tier from Operations Officer · junior to Operations Officer · senior; the start date from ${formatLongDay('2026-09-01')} to ${formatLongDay('2026-09-02')}`,
    );
  });

  it('words account events and counts ended sessions', () => {
    expect(describeAuditEvent({ action: 'user.deactivated', before: { active: true }, after: { active: false, endedSessions: 2 } })).toBe(
      'Deactivated the account, ending 2 sessions',
    );
    expect(describeAuditEvent({ action: 'user.activated', after: { active: true } })).toBe('Reactivated the account');
    expect(
      describeAuditEvent({ action: 'user.role_changed', before: { role: 'member' }, after: { role: 'manager', endedSessions: 1 } }),
    ).toBe('Changed the account role from member to manager, ending 1 session');
    expect(describeAuditEvent({ action: 'user.created', after: { role: 'member', startDate: '2026-10-01' } })).toBe(
      `Added the person as member, starting ${formatLongDay('2026-10-01')}`,
    );
  });

  it('words every account link event, and who asked for a reset without signing in', () => {
    const actions = [
      'account.reset_requested',
      'account.reset_started',
      'account.password_reset',
      'account.invitation_sent',
      'account.invitation_revoked',
      'account.invitation_accepted',
    ];
    for (const action of actions) expect(describeAuditEvent({ action, after: {} }), action).not.toMatch(/[._{}]/);
    expect(describeAuditEvent({ action: 'account.invitation_sent', after: { resent: true } })).toMatch(/new invitation.*earlier link/);
    expect(describeAuditEvent({ action: 'account.password_reset', after: { endedSessions: 2 } })).toMatch(/ending 2 sessions/);
    expect(auditActor({ action: 'account.reset_requested' }, null)).toBe('Someone at the forgot-password page');
  });

  it('names the skill and the level of a rating', () => {
    const skills = new Map([['spreadsheets', 'Spreadsheets']]);
    expect(describeAuditEvent({ action: 'skill.rated', after: { skillId: 'spreadsheets', kind: 'manager', level: 3 } }, { skills })).toBe(
      'Gave a manager rating of 3 (Proficient) for Spreadsheets',
    );
  });

  it('says whose target a framework change replaced, and names resources', () => {
    const skills = new Map([['sql-basics', 'SQL basics']]);
    const position = () => 'Operations Officer · Junior';
    expect(
      describeAuditEvent(
        {
          action: 'skill.target_set',
          before: { jobRole: 'operations-officer', tier: 'junior', skillId: 'sql-basics', level: 2, source: 'suggestion' },
          after: { jobRole: 'operations-officer', tier: 'junior', skillId: 'sql-basics', level: 3, source: 'organisation' },
        },
        { skills, position },
      ),
    ).toBe("Changed the SQL basics target for Operations Officer · Junior from 2 (Working), OpsPath's suggestion to 3 (Proficient)");
    expect(
      describeAuditEvent({ action: 'skill.resource_added', after: { skillId: 'sql-basics', title: 'SQL in a day' } }, { skills }),
    ).toBe('Added the learning resource “SQL in a day” to SQL basics');
  });

  it('never shows a dotted code or JSON, even for an event it has no sentence for', () => {
    const sentence = describeAuditEvent({ action: 'import.people_applied', after: { x: 1 } });
    expect(sentence).toBe('People applied');
    expect(sentence).not.toMatch(/[.{}_]/);
  });
});

describe('auditActor', () => {
  it('is the actor’s name, else says who it was without one', () => {
    expect(auditActor({ action: 'user.updated' }, 'Maria Ionescu')).toBe('Maria Ionescu');
    expect(auditActor({ action: 'user.created' }, null)).toBe('The system');
    expect(auditActor({ action: 'auth.sign_in_failed' }, null)).toBe('Someone at the sign-in page');
  });
});
