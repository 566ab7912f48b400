// The token of a reset or invitation link moves out of the address bar at
// once: the landing page stores it in a short-lived HttpOnly cookie scoped to
// that page's path and redirects to the same page without it. So it stays out
// of the browser's history, of Referer headers sent by the page, and of
// access logs for every request after the first.
import type { AstroCookies } from 'astro';
import { LINK_PATHS } from '#domain/account-messages.ts';
import type { AccountTokenPurpose } from '#domain/messages.ts';

/** Long enough to type a new password, short enough that a shared computer forgets the link soon. */
const LINK_COOKIE_SECONDS = 30 * 60;

/** __Secure- needs HTTPS, which local development over plain HTTP lacks (a path-scoped cookie cannot be __Host-). */
export const linkCookieName = (purpose: AccountTokenPurpose, production: boolean) =>
  `${production ? '__Secure-' : ''}opspath_${purpose === 'invitation' ? 'invitation' : purpose === 'email-change' ? 'email_change' : 'reset'}`;

const options = (purpose: AccountTokenPurpose, production: boolean) => ({
  httpOnly: true,
  sameSite: 'lax' as const,
  path: LINK_PATHS[purpose],
  secure: production,
});

export function keepLinkToken(cookies: AstroCookies, purpose: AccountTokenPurpose, production: boolean, token: string) {
  cookies.set(linkCookieName(purpose, production), token, { ...options(purpose, production), maxAge: LINK_COOKIE_SECONDS });
}

export const readLinkToken = (cookies: AstroCookies, purpose: AccountTokenPurpose, production: boolean) =>
  cookies.get(linkCookieName(purpose, production))?.value;

export function forgetLinkToken(cookies: AstroCookies, purpose: AccountTokenPurpose, production: boolean) {
  cookies.delete(linkCookieName(purpose, production), options(purpose, production));
}

/** The landing page's answer: keep the token in the cookie, then 303 to the clean address, telling nobody where the visitor came from. */
export function landOnLink(cookies: AstroCookies, purpose: AccountTokenPurpose, production: boolean, token: string): Response {
  keepLinkToken(cookies, purpose, production, token.slice(0, 64));
  return new Response(null, {
    status: 303,
    headers: { Location: LINK_PATHS[purpose], 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' },
  });
}
