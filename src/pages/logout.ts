// Sign out: POST only (a GET that changed state could be triggered by any
// <img src>). Ends this browser's session and clears the cookie.
import type { APIRoute } from 'astro';
import { signOut } from '#server/auth.ts';
import { getDb } from '#server/db/client.ts';
import { isProduction } from '#server/env.ts';
import { clientIp } from '#server/navigation.ts';
import { crossOriginResponse, isSameOriginRequest } from '#server/origin.ts';
import { deleteSessionCookie } from '#server/session.ts';

export const prerender = false;

export const POST: APIRoute = async (context) => {
  // Astro's checkOrigin covers form posts; this also covers JSON and bodiless posts.
  if (!isSameOriginRequest(context.request, context.url.origin)) return crossOriginResponse();
  const { session, user } = context.locals;
  if (session && user) await signOut(getDb(), session, user, { ip: clientIp(context), now: new Date() });
  deleteSessionCookie(context.cookies, isProduction());
  return context.redirect('/login?signedout=1', 303);
};

export const GET: APIRoute = () =>
  new Response('Sign out with the "Sign out" button (a POST request).', {
    status: 405,
    headers: { Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8' },
  });
