// Small helpers pages share for redirects and request metadata.

/**
 * The `next` parameter after sign-in, only if it is a path on this site.
 * Rejects absolute URLs, protocol-relative `//host`, backslash tricks (`/\host`,
 * which browsers treat like `//`), and control characters; anything else
 * falls back to the dashboard, so /login cannot be used as an open redirect.
 */
export function safeNextPath(raw: string | null | undefined, fallback = '/app/'): string {
  if (!raw || raw.length > 2048) return fallback;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return fallback;
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

/** The client's address as Astro reports it (it trusts X-Forwarded-For only for allowedDomains). */
export function clientIp(context: { clientAddress: string }): string | null {
  try {
    return context.clientAddress || null;
  } catch {
    return null;
  }
}
