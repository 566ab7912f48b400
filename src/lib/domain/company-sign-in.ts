// Company sign-in (OpenID Connect) rules, decision 025: who an identity
// provider's answer signs in as, and when a password is still accepted. Pure:
// the server hands in the verified ID token's claims and what the database holds.
import type { UserRole } from './access.ts';

/** The organisation's company sign-in settings (organisations.settings). */
export type CompanySignInSettings = {
  /** Passwords are refused, except for admins (the break-glass way in when the provider is down). */
  requireCompanySignIn?: boolean;
  /** A verified email nobody has yet becomes a new member without a team. */
  createPeopleOnFirstSignIn?: boolean;
};

/** Why a company sign-in was refused, as the refusal page and the audit log name it. */
export type CompanySignInRefusal = 'unverified email' | 'no email' | 'unknown email' | 'inactive account';

export type CompanySignInDecision =
  | { kind: 'sign-in'; userId: number }
  | { kind: 'create'; orgId: number; email: string }
  | { kind: 'refuse'; reason: CompanySignInRefusal; email: string | null; userId?: number; orgId?: number };

/** The claims of a validated ID token that matter here (openid-client has checked signature, issuer, audience, nonce, expiry). */
export type IdentityClaims = { email?: unknown; email_verified?: unknown };

/** The person the email belongs to, if any (emails are unique across the installation). */
export type KnownPerson = { id: number; orgId: number; active: boolean };

/** Lower-cased and trimmed, as users.email is stored; null when the claim is not an address. */
export function claimedEmail(claims: IdentityClaims): string | null {
  if (typeof claims.email !== 'string') return null;
  const email = claims.email.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 254 ? email : null;
}

/**
 * Who signs in. Only an address the provider says it verified is trusted
 * (`email_verified` exactly true: a string "true" or a missing claim is not),
 * since anyone can type any address into an unmanaged account. A deactivated
 * person stays out however the provider vouches for them. An unknown address
 * becomes a person only when exactly one organisation asked for that: with
 * none or several there is no telling where they belong.
 */
export function decideCompanySignIn(
  claims: IdentityClaims,
  person: KnownPerson | undefined,
  organisationsCreatingPeople: readonly number[],
): CompanySignInDecision {
  const email = claimedEmail(claims);
  if (email === null) return { kind: 'refuse', reason: 'no email', email: null };
  if (claims.email_verified !== true) return { kind: 'refuse', reason: 'unverified email', email };
  if (person) {
    return person.active
      ? { kind: 'sign-in', userId: person.id }
      : { kind: 'refuse', reason: 'inactive account', email, userId: person.id, orgId: person.orgId };
  }
  if (organisationsCreatingPeople.length === 1) return { kind: 'create', orgId: organisationsCreatingPeople[0]!, email };
  return { kind: 'refuse', reason: 'unknown email', email };
}

/**
 * Whether a correct password may sign this person in. The setting only counts
 * while company sign-in is configured, so removing OIDC_* cannot lock
 * everyone out; admins always may, to get in when the provider is down.
 */
export function passwordSignInAllowed(settings: CompanySignInSettings, role: UserRole, companySignInConfigured: boolean): boolean {
  return !companySignInConfigured || settings.requireCompanySignIn !== true || role === 'admin';
}

/** A display name for a person created at first sign-in: the provider's name claim, else the email's local part. */
export function nameFromClaims(claims: Readonly<Record<string, unknown>>, email: string): string {
  const clean = (v: unknown) => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : '');
  const full = clean(claims.name) || [clean(claims.given_name), clean(claims.family_name)].filter(Boolean).join(' ');
  return (full || email.split('@')[0]!).slice(0, 100);
}
