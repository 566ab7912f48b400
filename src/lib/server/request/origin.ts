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
