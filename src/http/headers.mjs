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

const FRAME_ANCESTORS = "frame-ancestors 'none'";

/**
 * Astro sends its own Content-Security-Policy on server-rendered pages (the
 * script and style hashes), which replaces the one set before its handler
 * runs; frame-ancestors cannot travel in a meta tag, so it is added back here.
 * @param {string} policy
 * @returns {string}
 */
export function withFrameAncestors(policy) {
  if (/(^|;)\s*frame-ancestors\s/i.test(policy)) return policy;
  const trimmed = policy.trim().replace(/;\s*$/, '');
  return trimmed ? `${trimmed}; ${FRAME_ANCESTORS}` : FRAME_ANCESTORS;
}

/**
 * Methods no route takes and that the WHATWG Request behind Astro's handler
 * refuses to construct (it would throw and answer 500 with a stack trace).
 */
export const UNSUPPORTED_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
