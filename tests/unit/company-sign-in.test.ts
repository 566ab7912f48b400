// Company sign-in's pure rules (decision 025): whom a validated ID token signs
// in as, when a password still works, the name of a person created at first sign-in.
import { describe, expect, it } from 'vitest';
import { claimedEmail, decideCompanySignIn, nameFromClaims, passwordSignInAllowed } from '#domain/company-sign-in.ts';
import { describeAuditEvent } from '#domain/audit-events.ts';

const active = { id: 7, orgId: 1, active: true };

describe('decideCompanySignIn', () => {
  it('signs an active person in by a verified email, in any spelling of it', () => {
    expect(decideCompanySignIn({ email: ' Ana@Example.COM ', email_verified: true }, active, [])).toEqual({ kind: 'sign-in', userId: 7 });
  });

  it('trusts only email_verified exactly true', () => {
    for (const email_verified of [false, 'true', 1, undefined, null]) {
      expect(decideCompanySignIn({ email: 'ana@example.com', email_verified }, active, [1]), String(email_verified)).toEqual({
        kind: 'refuse',
        reason: 'unverified email',
        email: 'ana@example.com',
      });
    }
  });

  it('never signs a deactivated person in', () => {
    expect(decideCompanySignIn({ email: 'ana@example.com', email_verified: true }, { ...active, active: false }, [1])).toEqual({
      kind: 'refuse',
      reason: 'inactive account',
      email: 'ana@example.com',
      userId: 7,
      orgId: 1,
    });
  });

  it('creates an unknown person only where exactly one organisation asked for it', () => {
    const claims = { email: 'new@example.com', email_verified: true };
    expect(decideCompanySignIn(claims, undefined, [])).toMatchObject({ kind: 'refuse', reason: 'unknown email' });
    expect(decideCompanySignIn(claims, undefined, [3])).toEqual({ kind: 'create', orgId: 3, email: 'new@example.com' });
    expect(decideCompanySignIn(claims, undefined, [3, 4])).toMatchObject({ kind: 'refuse', reason: 'unknown email' });
  });

  it('refuses an answer without a usable email', () => {
    for (const email of [undefined, 42, '', 'not an address', `${'a'.repeat(250)}@example.com`]) {
      expect(decideCompanySignIn({ email, email_verified: true }, undefined, [1]), String(email)).toEqual({
        kind: 'refuse',
        reason: 'no email',
        email: null,
      });
    }
    expect(claimedEmail({ email: 'Ops@Example.com' })).toBe('ops@example.com');
  });
});

describe('passwordSignInAllowed', () => {
  it('refuses passwords for everyone but admins when the organisation requires company sign-in', () => {
    const required = { requireCompanySignIn: true };
    expect(passwordSignInAllowed(required, 'member', true)).toBe(false);
    expect(passwordSignInAllowed(required, 'manager', true)).toBe(false);
    expect(passwordSignInAllowed(required, 'admin', true)).toBe(true);
    expect(passwordSignInAllowed({}, 'member', true)).toBe(true);
  });

  it('ignores the setting while company sign-in is not configured, so nobody is locked out', () => {
    expect(passwordSignInAllowed({ requireCompanySignIn: true }, 'member', false)).toBe(true);
  });
});

describe('nameFromClaims', () => {
  it('takes the name claim, else given and family names, else the email’s local part', () => {
    expect(nameFromClaims({ name: '  Ana   Pop ' }, 'ana@example.com')).toBe('Ana Pop');
    expect(nameFromClaims({ given_name: 'Ana', family_name: 'Pop' }, 'ana@example.com')).toBe('Ana Pop');
    expect(nameFromClaims({ name: 7 }, 'ana.pop@example.com')).toBe('ana.pop');
    expect(nameFromClaims({ name: 'x'.repeat(300) }, 'a@example.com')).toHaveLength(100);
  });
});

describe('company sign-in in the audit log', () => {
  it('words the settings change, the company sign-in and the person it created', () => {
    expect(
      describeAuditEvent({
        action: 'org.company_sign_in_changed',
        before: { requireCompanySignIn: false, createPeopleOnFirstSignIn: false },
        after: { requireCompanySignIn: true, createPeopleOnFirstSignIn: false },
      }),
    ).toBe(
      'Set company sign-in: on for requiring it (admins may still use passwords), off for adding unknown people as members at their first sign-in',
    );
    expect(describeAuditEvent({ action: 'auth.sign_in', after: { method: 'company' } })).toBe('Signed in with company sign-in');
    expect(describeAuditEvent({ action: 'auth.sign_in' })).toBe('Signed in');
    expect(describeAuditEvent({ action: 'user.created', after: { role: 'member', startDate: null, source: 'company sign-in' } })).toBe(
      'Joined as a member at their first company sign-in, starting no date',
    );
  });
});
