import { describe, expect, it } from 'vitest';
import { securityHeaders, UNSUPPORTED_METHODS, withFrameAncestors } from '#http/headers.mjs';

describe('withFrameAncestors', () => {
  it("adds frame-ancestors 'none' to a policy without it, once", () => {
    const astro = "default-src 'self';img-src 'self' data:; script-src 'self' 'sha256-abc';";
    const merged = withFrameAncestors(astro);
    expect(merged).toBe("default-src 'self';img-src 'self' data:; script-src 'self' 'sha256-abc'; frame-ancestors 'none'");
    expect(withFrameAncestors(merged)).toBe(merged);
  });

  it('leaves a policy that names frame-ancestors alone, and fills an empty one', () => {
    expect(withFrameAncestors("frame-ancestors 'self'; object-src 'none'")).toBe("frame-ancestors 'self'; object-src 'none'");
    expect(withFrameAncestors('  ')).toBe("frame-ancestors 'none'");
  });

  it('agrees with the policy the server sets itself', () => {
    const own = securityHeaders({ production: false, html: true })['Content-Security-Policy'] ?? '';
    expect(withFrameAncestors(own)).toBe(own);
  });
});

describe('UNSUPPORTED_METHODS', () => {
  it('holds the methods a WHATWG Request refuses, which no route takes', () => {
    for (const method of UNSUPPORTED_METHODS) expect(() => new Request('http://x.invalid/', { method })).toThrow(TypeError);
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) expect(UNSUPPORTED_METHODS.has(method)).toBe(false);
  });
});
