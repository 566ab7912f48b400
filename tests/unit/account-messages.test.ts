// Account links as rules and words: lifetimes, the state of a stored link,
// the messages (text and HTML from one content, the link in both, no way to
// turn them off) and the one forced-change rule.
import { describe, expect, it } from 'vitest';
import {
  deadLinkMessage,
  FORCED_CHANGE_PATH,
  forcedChangeRedirect,
  INVITATION_TTL_MS,
  invitationMessage,
  invitationStatus,
  linkLifetimeMs,
  linkState,
  passwordResetMessage,
  RESET_LINK_TTL_MS,
} from '#domain/account-messages.ts';
import { composeEmail } from '#domain/email.ts';
import { receives } from '#domain/messages.ts';

const at = (iso: string) => new Date(iso);
const link = (extra: Partial<{ usedAt: Date; revokedAt: Date }> = {}) => ({
  expiresAt: at('2026-11-02T10:00:00Z'),
  usedAt: null,
  revokedAt: null,
  ...extra,
});

describe('link lifetimes', () => {
  it('is one hour for a reset and seven days for an invitation', () => {
    expect(RESET_LINK_TTL_MS).toBe(3_600_000);
    expect(INVITATION_TTL_MS).toBe(7 * 24 * 3_600_000);
    expect(linkLifetimeMs('password-reset')).toBe(RESET_LINK_TTL_MS);
    expect(linkLifetimeMs('invitation')).toBe(INVITATION_TTL_MS);
  });
});

describe('linkState', () => {
  it('is usable until the instant it expires, and expired from then on', () => {
    expect(linkState(link(), at('2026-11-02T09:59:59.999Z'))).toBe('usable');
    expect(linkState(link(), at('2026-11-02T10:00:00Z'))).toBe('expired');
  });

  it('says used before revoked before expired', () => {
    const late = at('2026-12-01T00:00:00Z');
    expect(linkState(link({ usedAt: at('2026-11-02T09:00:00Z'), revokedAt: at('2026-11-02T09:30:00Z') }), late)).toBe('used');
    expect(linkState(link({ revokedAt: at('2026-11-02T09:30:00Z') }), late)).toBe('revoked');
  });

  it('maps to what admins read about invitations', () => {
    expect(invitationStatus(link(), at('2026-11-02T09:00:00Z'))).toBe('pending');
    expect(invitationStatus(link({ usedAt: at('2026-11-02T09:00:00Z') }), at('2026-11-03T00:00:00Z'))).toBe('accepted');
    expect(invitationStatus(link(), at('2026-11-03T00:00:00Z'))).toBe('expired');
  });

  it('explains each dead link with what to do next', () => {
    expect(deadLinkMessage('password-reset', 'used')).toMatch(/already been used.*sign-in page/);
    expect(deadLinkMessage('password-reset', 'expired')).toMatch(/expired/);
    expect(deadLinkMessage('invitation', 'revoked')).toMatch(/withdrawn.*admin/);
    expect(deadLinkMessage('invitation', 'used')).toMatch(/accepted.*Sign in/);
  });
});

describe('account messages', () => {
  const common = {
    recipientName: 'Ana Pop',
    organisationName: 'Demo Logistics',
    url: 'https://opspath.example.com/reset-password/abc',
    expiresAt: at('2026-11-02T10:00:00Z'),
    timeZone: 'Europe/Bucharest',
  };

  it('a reset says who asked, until when on the organisation’s clock, and carries the link as button and text', () => {
    const { subject, content } = passwordResetMessage({ ...common, requestedByAdmin: false });
    expect(subject).toMatch(/Reset your OpsPath password.*1 hour/);
    const { text, html } = composeEmail(content);
    expect(text).toContain('Someone, probably you');
    expect(text).toContain('Europe/Bucharest');
    expect(text).toContain('12:00 PM');
    expect(text).toContain(`Choose a new password: ${common.url}`);
    expect(html).toContain(`href="${common.url}"`);
    expect(content.unsubscribeUrl).toBeUndefined();
    expect(passwordResetMessage({ ...common, requestedByAdmin: true }).content.paragraphs.join(' ')).toMatch(
      /An admin of Demo Logistics started/,
    );
  });

  it('an invitation names the inviter and the organisation in its subject', () => {
    const { subject, content } = invitationMessage({ ...common, inviterName: 'Maria Ionescu', url: 'https://x.example/invitation/t' });
    expect(subject).toBe('Maria Ionescu invited you to Demo Logistics on OpsPath');
    expect(content.action).toEqual({ label: 'Accept the invitation', url: 'https://x.example/invitation/t' });
    expect(composeEmail(content).html).not.toMatch(/<img/);
  });

  it('cannot be turned off by anyone', () => {
    const everythingOff = { 'certification-reminder': false, 'ramp-digest': false };
    expect(receives(everythingOff, 'password-reset')).toBe(true);
    expect(receives(everythingOff, 'invitation')).toBe(true);
  });
});

describe('forcedChangeRedirect', () => {
  it('sends a person who must change their password from any /app page to the password page', () => {
    expect(forcedChangeRedirect(true, '/app/')).toBe(FORCED_CHANGE_PATH);
    expect(forcedChangeRedirect(true, '/app')).toBe(FORCED_CHANGE_PATH);
    expect(forcedChangeRedirect(true, '/app/team/3/')).toBe(FORCED_CHANGE_PATH);
    expect(forcedChangeRedirect(true, '/app/account/')).toBe(FORCED_CHANGE_PATH);
  });

  it('leaves the password page itself, public pages, sign-out and everyone else alone', () => {
    expect(forcedChangeRedirect(true, '/app/account/password/')).toBeNull();
    expect(forcedChangeRedirect(true, '/app/account/password')).toBeNull();
    expect(forcedChangeRedirect(true, '/logout')).toBeNull();
    expect(forcedChangeRedirect(true, '/roles/')).toBeNull();
    expect(forcedChangeRedirect(true, '/apples/')).toBeNull();
    expect(forcedChangeRedirect(false, '/app/')).toBeNull();
  });
});
