// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"), so that
// guessing someone's password from elsewhere cannot lock them out: a browser
// that signed in to an account before holds a cookie naming that account,
// and its failed attempts count against its own allowance instead of the
// account's (rate-limit.ts). docs/decisions/018-device-cookies-against-lockout.md.
//
// The cookie is `v1.<nonce>.<mac>`: a random nonce and HMAC-SHA256 over the
// account's normalised email and the nonce, keyed by DEVICE_COOKIE_SECRET.
// The email itself is not in the cookie; it is checked against the one typed,
// so a cookie is worth something only for the account it was issued for, and
// nothing needs storing to check one.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AstroCookies } from 'astro';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { env } from '#server/env.ts';

/** Long enough that a person's usual browsers stay known between sign-ins; renewed at each sign-in. */
export const DEVICE_COOKIE_DAYS = 365;

const FORMAT = /^v1\.([a-z2-7]{24})\.([A-Za-z0-9_-]{43})$/;

// Outside production the secret may be unset: then each process makes its
// own, and a restart makes every browser an unknown device again (the
// per-account limit applies, as before device cookies). Production refuses to
// start without one (parseServerEnv), since several processes must agree.
let processSecret: Buffer | undefined;
function secret(): Buffer {
  const configured = env().DEVICE_COOKIE_SECRET;
  if (configured) return Buffer.from(configured, 'utf8');
  processSecret ??= randomBytes(32);
  return processSecret;
}

/**
 * A key for another short-lived signed cookie (the company sign-in
 * transaction), derived from the same shared secret so every process can
 * read what another one set, and separated by `purpose` from the device MACs.
 */
export function derivedCookieKey(purpose: string): Buffer {
  return createHmac('sha256', secret()).update(`opspath-key:${purpose}`).digest();
}

const mac = (account: string, nonce: string) =>
  createHmac('sha256', secret()).update(`opspath-device:v1:${account}:${nonce}`).digest('base64url');

/** A new device cookie value for this (normalised) account. */
export function issueDeviceCookie(account: string): string {
  const nonce = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(15)));
  return `v1.${nonce}.${mac(account, nonce)}`;
}

/**
 * The device's key for the throttle when `value` is a genuine device cookie of
 * this account; null for no cookie, a malformed or forged one, or one issued
 * for another account (the browser then counts as an unknown device).
 */
export function knownDevice(value: string | null | undefined, account: string): string | null {
  const parts = value ? FORMAT.exec(value) : null;
  if (!parts) return null;
  const [, nonce, given] = parts as unknown as [string, string, string];
  const expected = Buffer.from(mac(account, nonce), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return `${account}:${nonce}`;
}

/** `__Host-` in production for the same reasons as the session cookie (session.ts). */
export function deviceCookieName(production: boolean): string {
  return production ? '__Host-opspath_device' : 'opspath_device';
}

export function readDeviceCookie(cookies: AstroCookies, production: boolean): string | null {
  return cookies.get(deviceCookieName(production))?.value ?? null;
}

export function deviceCookieOptions(production: boolean) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: production, maxAge: DEVICE_COOKIE_DAYS * 24 * 60 * 60 };
}

export function setDeviceCookie(cookies: AstroCookies, production: boolean, value: string) {
  cookies.set(deviceCookieName(production), value, deviceCookieOptions(production));
}
