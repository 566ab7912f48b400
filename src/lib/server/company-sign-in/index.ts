// Company sign-in with OpenID Connect (decision 025): the authorization code
// flow with PKCE, state and nonce, through openid-client, which validates the
// ID token (signature, issuer, audience, nonce, expiry). What the provider
// vouches for is then matched to a person by the rules in
// #domain/company-sign-in.ts; the session is OpsPath's own, started the same
// way a password sign-in starts one.
import * as oidc from 'openid-client';
import { eq } from 'drizzle-orm';
import { decideCompanySignIn, nameFromClaims, type CompanySignInRefusal, type IdentityClaims } from '#domain/company-sign-in.ts';
import { organisationTimeZone, organisationToday } from '#domain/calendar.ts';
import { personSnapshot, writeAudit } from '#server/audit/index.ts';
import { startSignedInSession } from '#server/auth/index.ts';
import { generatePassword, hashPassword } from '#server/auth/password.ts';
import type { Db } from '#server/db/client.ts';
import { isUniqueViolation } from '#server/db/errors.ts';
import { organisations, users, type Session } from '#server/db/schema.ts';
import { env, isProduction, type CompanySignInConfig } from '#server/env.ts';
import { publicLink } from '#server/outbox/index.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import type { RequestMeta } from '#server/request/context.ts';
import { openTransaction, sealTransaction, TRANSACTION_MINUTES } from './transaction.ts';

export const CALLBACK_PATH = '/auth/oidc/callback';

/** The provider's name for the button, or null when company sign-in is not configured. */
export const companySignInName = (): string | null => env().companySignIn?.name ?? null;

let discovered: { issuer: string; configuration: Promise<oidc.Configuration> } | undefined;

/** The provider's metadata, discovered once per process; a failed discovery is retried on the next sign-in. */
function providerConfiguration(config: CompanySignInConfig): Promise<oidc.Configuration> {
  if (discovered?.issuer !== config.issuer) {
    const configuration = oidc.discovery(
      new URL(config.issuer),
      config.clientId,
      config.clientSecret,
      undefined,
      // Plain http only for a provider on this machine in development and tests; production insists on https (env.ts too).
      isProduction() ? undefined : { execute: [oidc.allowInsecureRequests] },
    );
    discovered = { issuer: config.issuer, configuration };
    configuration.catch(() => {
      if (discovered?.configuration === configuration) discovered = undefined;
    });
  }
  return discovered.configuration;
}

/** From PUBLIC_URL, never the request's Host: it must equal the redirect URI registered at the provider. */
export const redirectUri = () => publicLink(CALLBACK_PATH);

export type StartedSignIn = { authorizationUrl: URL; transactionCookie: string };

/** The address to send the browser to, and the sealed transaction for its cookie; null when the provider cannot be reached. */
export async function beginCompanySignIn(next: string, now: Date): Promise<StartedSignIn | null> {
  const config = env().companySignIn;
  if (!config) return null;
  let configuration: oidc.Configuration;
  try {
    configuration = await providerConfiguration(config);
  } catch {
    return null;
  }
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const expiresAt = now.getTime() + TRANSACTION_MINUTES * 60_000;
  return { authorizationUrl, transactionCookie: sealTransaction({ state, nonce, verifier, next, expiresAt }) };
}

/** Why the callback did not sign anyone in: the page words each one. */
export type CallbackFailure =
  | CompanySignInRefusal
  | 'not configured'
  | 'no transaction'
  | 'wrong state'
  | 'provider unavailable'
  | 'provider refused'
  | 'code refused'
  | 'token invalid'
  | 'token expired';

export type CallbackResult = { ok: true; token: string; session: Session; next: string; created: boolean } | CallbackRefusal;

/** `email`: the address the provider gave, for a refusal that names it. */
export type CallbackRefusal = { ok: false; failure: CallbackFailure; email?: string | null };

const failed = (failure: CallbackFailure, email?: string | null): CallbackRefusal => ({ ok: false, failure, email });

/** Which failure an openid-client error is: the exchange's refusal, an expired ID token, or any other invalid answer. */
function classify(error: unknown): CallbackFailure {
  if (error instanceof oidc.AuthorizationResponseError) return 'provider refused';
  if (error instanceof oidc.ResponseBodyError) return 'code refused';
  const code = (error as { code?: unknown }).code;
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return 'token expired';
  if (typeof code === 'string' && code.startsWith('OAUTH_')) return 'token invalid';
  if (error instanceof TypeError || (error as { name?: unknown }).name === 'AbortError') return 'provider unavailable';
  return 'token invalid';
}

/**
 * The end of the flow: `search` is the callback's query string, `transactionCookie`
 * the sealed value /auth/oidc/start set (the page clears it whatever happens,
 * so a replayed callback finds none). Every refusal after the provider
 * answered is audited as a failed sign-in.
 */
export async function completeCompanySignIn(
  db: Db,
  search: URLSearchParams,
  transactionCookie: string | null,
  meta: RequestMeta,
): Promise<CallbackResult> {
  const config = env().companySignIn;
  if (!config) return failed('not configured');
  const transaction = openTransaction(transactionCookie, meta.now);
  if (!transaction) return failed('no transaction');
  // Checked here as well as by openid-client, so a forged or stale answer is named as such.
  if (search.get('state') !== transaction.state) return failed('wrong state');

  let configuration: oidc.Configuration;
  try {
    configuration = await providerConfiguration(config);
  } catch {
    return failed('provider unavailable');
  }
  const currentUrl = new URL(redirectUri());
  currentUrl.search = search.toString();
  let claims: IdentityClaims & Record<string, unknown>;
  try {
    const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: transaction.verifier,
      expectedState: transaction.state,
      expectedNonce: transaction.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) return failed('token invalid');
    claims = { ...idToken };
    // Providers that follow the spec closely put email in the UserInfo answer, not the ID token.
    if (claims.email === undefined || claims.email_verified === undefined)
      claims = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)), ...idToken };
  } catch (error) {
    return failed(classify(error));
  }

  const result = await signInFromClaims(db, claims, meta);
  return result.ok ? { ...result, next: transaction.next } : result;
}

async function signInFromClaims(
  db: Db,
  claims: IdentityClaims & Record<string, unknown>,
  meta: RequestMeta,
): Promise<{ ok: true; token: string; session: Session; created: boolean } | CallbackRefusal> {
  const email = typeof claims.email === 'string' ? claims.email : '';
  const known = email ? await findUserByEmail(db, email) : undefined;
  const creating = known ? [] : await organisationsCreatingPeople(db);
  const decision = decideCompanySignIn(claims, known, creating);

  if (decision.kind === 'refuse') {
    await writeAudit(db, {
      orgId: decision.orgId ?? null,
      actorUserId: null,
      action: 'auth.sign_in_failed',
      target: decision.userId ? { type: 'user', id: decision.userId } : undefined,
      after: { email: decision.email, reason: `company sign-in: ${decision.reason}`, method: 'company' },
      ip: meta.ip,
      at: meta.now,
    });
    return failed(decision.reason, decision.email);
  }

  if (decision.kind === 'sign-in') {
    const user = known!;
    const started = await db.transaction((tx) => startSignedInSession(tx, user, meta, undefined, 'company'));
    return { ok: true, ...started, created: false };
  }

  // Nobody will type this password: it only fills the column until they set one through a reset.
  const passwordHash = await hashPassword(generatePassword());
  try {
    return await db.transaction(async (tx) => {
      const [org] = await tx.select().from(organisations).where(eq(organisations.id, decision.orgId)).limit(1);
      if (!org || org.settings.createPeopleOnFirstSignIn !== true) return failed('unknown email', decision.email);
      const [person] = await tx
        .insert(users)
        .values({
          orgId: org.id,
          email: decision.email,
          displayName: nameFromClaims(claims, decision.email),
          passwordHash,
          role: 'member',
          startDate: organisationToday(meta.now, organisationTimeZone(org.settings.timeZone)),
          active: true,
          createdAt: meta.now,
          updatedAt: meta.now,
        })
        .returning();
      // They created themselves by signing in: they are the actor of their own account's first row.
      await writeAudit(tx, {
        orgId: org.id,
        actorUserId: person!.id,
        action: 'user.created',
        target: { type: 'user', id: person!.id },
        after: { ...personSnapshot(person!), source: 'company sign-in' },
        ip: meta.ip,
        at: meta.now,
      });
      const started = await startSignedInSession(tx, person!, meta, undefined, 'company');
      return { ok: true as const, ...started, created: true };
    });
  } catch (error) {
    // The same person signing in twice at once: the unique email decides, and the second is told to try again.
    if (isUniqueViolation(error)) return failed('unknown email', decision.email);
    throw error;
  }
}

async function organisationsCreatingPeople(db: Db): Promise<number[]> {
  const rows = await db.select({ id: organisations.id, settings: organisations.settings }).from(organisations);
  return rows.filter((r) => r.settings.createPeopleOnFirstSignIn === true).map((r) => r.id);
}
