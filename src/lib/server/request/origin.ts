// Cross-site request forgery guard for endpoints Astro's checkOrigin does not
// cover: it rejects cross-origin *form* posts, but lets application/json
// through. Browsers send Origin on every POST and Sec-Fetch-Site on every
// request, so a same-origin request always carries one of them.

/** True when a state-changing request comes from this site. */
export function isSameOriginRequest(request: Request, siteOrigin: string): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null) return origin === siteOrigin;
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite !== null) return fetchSite === 'same-origin';
  // Neither header: not a browser (so not CSRF), or a very old one. Refuse
  // anyway: scripts can send an Origin header, and a missing one is suspicious.
  return false;
}

export function crossOriginResponse(): Response {
  return Response.json({ error: 'Cross-origin requests are not allowed.' }, { status: 403 });
}

// Astro's own security.checkOrigin is off (astro.config.mjs) and this check,
// the same rule, runs in src/middleware.ts instead, because RFC 8058 needs one
// exception Astro cannot make: a mail provider's server posts the one-click
// unsubscribe with no Origin (or its own), and the token in the path is the
// whole authorization. Every other path keeps the rule exactly.
const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/** The one path a cross-site form post may reach: /unsubscribe/<token>. Literal token characters only, so no encoding can stretch it. */
export const ONE_CLICK_UNSUBSCRIBE_PATH = /^\/unsubscribe\/[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{1,100}\/?$/;

/** Astro's checkOrigin rule: a state-changing form-like (or untyped) request must carry this site's Origin. */
export function isForbiddenCrossSiteForm(request: Request, url: URL): boolean {
  if (SAFE_METHODS.includes(request.method)) return false;
  if (ONE_CLICK_UNSUBSCRIBE_PATH.test(url.pathname)) return false;
  const sameOrigin = request.headers.get('origin') === url.origin;
  const type = request.headers.get('content-type');
  if (type !== null) return FORM_CONTENT_TYPES.some((t) => type.toLowerCase().includes(t)) && !sameOrigin;
  return !sameOrigin;
}

export function crossSiteFormResponse(request: Request): Response {
  return new Response(`Cross-site ${request.method} form submissions are forbidden`, { status: 403 });
}
