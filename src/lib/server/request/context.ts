// Per-request values every page, endpoint and action works with: who acts,
// from where, when, and the organisation's date ("today", the only one there
// is: docs/decisions/ on the meaning of today).
import type { Actor } from '#domain/access.ts';
import { organisationToday, type IsoDate } from '#domain/calendar.ts';

/** Where a request comes from and when it is handled. */
export type RequestMeta = { ip: string | null; now: Date };

/** An action by a signed-in person: the actor, the request's origin and time, and their organisation's date. */
export type ActionContext = RequestMeta & { actor: Actor; today: IsoDate };

/** The client's address as Astro reports it (it trusts X-Forwarded-For only for security.allowedDomains). */
export function clientIp(context: { clientAddress: string }): string | null {
  try {
    return context.clientAddress || null;
  } catch {
    return null;
  }
}

export const requestMeta = (context: { clientAddress: string }, now = new Date()): RequestMeta => ({ ip: clientIp(context), now });

/** The context of an action by `actor`, whose organisation keeps its calendar in `actor.timeZone`. */
export function actionContext(context: { clientAddress: string }, actor: Actor & { timeZone: string }, now = new Date()): ActionContext {
  return { actor, ip: clientIp(context), now, today: organisationToday(now, actor.timeZone) };
}

/**
 * The `next` parameter after sign-in, only if it is a path on this site.
 * Rejects absolute URLs, protocol-relative `//host`, backslash tricks (`/\host`,
 * which browsers treat like `//`), and control characters; anything else
 * falls back to the dashboard, so /login cannot be used as an open redirect.
 */
export function safeNextPath(raw: string | null | undefined, fallback = '/app/'): string {
  if (!raw || raw.length > 2048) return fallback;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return fallback;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f]/.test(raw)) return fallback;
  try {
    const base = 'https://opspath.invalid';
    const url = new URL(raw, base);
    if (url.origin !== base) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

/** /login?next=<this page>, for protected pages visited without a session. */
export function loginPath(current: URL): string {
  return `/login?next=${encodeURIComponent(`${current.pathname}${current.search}`)}`;
}

/** Reads a one-word status from the query string after a redirect (PRG), only from a known list. */
export function doneNotice<K extends string>(url: URL, notices: Record<K, string>): string | null {
  const key = url.searchParams.get('done');
  return key && Object.hasOwn(notices, key) ? notices[key as K] : null;
}
