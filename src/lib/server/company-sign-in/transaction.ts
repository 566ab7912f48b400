// The sign-in transaction between /auth/oidc/start and the callback: state,
// nonce and PKCE verifier, kept in the browser that started it (nothing to
// store or clean up on the server) as one AES-256-GCM sealed cookie. Sealing
// rather than only signing keeps the verifier out of sight of anything
// reading cookies on the way; the authentication tag makes a tampered or
// forged value unreadable, and the expiry inside bounds how long it is good for.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { AstroCookies } from 'astro';
import { z } from 'zod';
import { derivedCookieKey } from '#server/auth/device.ts';

/** Long enough to type a password and answer a second factor at the provider. */
export const TRANSACTION_MINUTES = 10;

const transactionSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  verifier: z.string().min(43),
  next: z.string(),
  expiresAt: z.number(),
});

export type SignInTransaction = z.infer<typeof transactionSchema>;

const key = () => derivedCookieKey('company-sign-in-transaction:v1');

export function sealTransaction(transaction: SignInTransaction): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(transaction), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The transaction, or null when the value is missing, forged, tampered with, or past its expiry. */
export function openTransaction(value: string | null | undefined, now: Date): SignInTransaction | null {
  const parts = value?.split('.') ?? [];
  if (parts.length !== 4 || parts[0] !== 'v1') return null;
  try {
    const [, iv, body, tag] = parts as [string, string, string, string];
    const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    const parsed = transactionSchema.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.expiresAt <= now.getTime()) return null;
    return parsed.data;
  } catch {
    return null;
  }
}

/** `__Host-` in production for the same reasons as the session cookie (auth/session.ts). */
export const transactionCookieName = (production: boolean) => (production ? '__Host-opspath_oidc' : 'opspath_oidc');

// SameSite=Lax: the provider sends the browser back with a top-level GET, which Lax cookies go with.
const cookieOptions = (production: boolean) => ({ httpOnly: true, sameSite: 'lax' as const, path: '/', secure: production });

export function setTransactionCookie(cookies: AstroCookies, production: boolean, value: string) {
  cookies.set(transactionCookieName(production), value, { ...cookieOptions(production), maxAge: TRANSACTION_MINUTES * 60 });
}

export function readTransactionCookie(cookies: AstroCookies, production: boolean): string | null {
  return cookies.get(transactionCookieName(production))?.value ?? null;
}

/** Single use: cleared as soon as the callback reads it, whatever the outcome. */
export function clearTransactionCookie(cookies: AstroCookies, production: boolean) {
  cookies.delete(transactionCookieName(production), cookieOptions(production));
}
