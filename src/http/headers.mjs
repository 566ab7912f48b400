// @ts-check
// Security headers sent on every response. Page-level script/style hashes come
// from Astro's CSP meta tag; the header adds what a meta tag cannot carry
// (frame-ancestors) and locks down non-HTML responses completely.
/**
 * @param {{ production: boolean, html: boolean }} options `html`: the headers for a page; otherwise for any other response.
 * @returns {Record<string, string>}
 */
export function securityHeaders({ production, html }) {
  /** @type {Record<string, string>} */
  const h = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    'Content-Security-Policy': html
      ? "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'"
      : "default-src 'none'; frame-ancestors 'none'",
  };
  if (production) h['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
  return h;
}
