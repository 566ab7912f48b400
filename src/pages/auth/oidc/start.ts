// Company sign-in, step one: a new state, nonce and PKCE verifier sealed in
// this browser's transaction cookie, then off to the provider. A GET because
// the button is a link; it changes nothing but that cookie.
import type { APIRoute } from 'astro';
import { beginCompanySignIn } from '#server/company-sign-in/index.ts';
import { setTransactionCookie } from '#server/company-sign-in/transaction.ts';
import { isProduction } from '#server/env.ts';
import { safeNextPath } from '#server/request/context.ts';
import { endpoint } from '#server/request/endpoint.ts';

export const prerender = false;

const start: APIRoute = async (context) => {
  const next = safeNextPath(context.url.searchParams.get('next'));
  const started = await beginCompanySignIn(next, new Date());
  // Not configured, or the provider did not answer: the sign-in page says so and keeps the password form.
  if (!started) return context.redirect('/login?company=unavailable', 303);
  setTransactionCookie(context.cookies, isProduction(), started.transactionCookie);
  return new Response(null, { status: 303, headers: { Location: started.authorizationUrl.href, 'Cache-Control': 'no-store' } });
};

export const { GET, HEAD, ALL } = endpoint({ GET: start });
