// Sign out: POST only (a GET that changed state could be triggered by any
// <img src>). Ends this browser's session and clears the cookie.
import type { APIRoute } from 'astro';
import { signOut } from '#server/auth/index.ts';
import { deleteSessionCookie } from '#server/auth/session.ts';
import { getDb } from '#server/db/client.ts';
import { isProduction } from '#server/env.ts';
import { requestMeta } from '#server/request/context.ts';
import { endpoint } from '#server/request/endpoint.ts';
import { crossOriginResponse, isSameOriginRequest } from '#server/request/origin.ts';

export const prerender = false;

const logout: APIRoute = async (context) => {
  // Astro's checkOrigin covers form posts; this also covers JSON and bodiless posts.
  if (!isSameOriginRequest(context.request, context.url.origin)) return crossOriginResponse();
  const { session, user } = context.locals;
  if (session && user) await signOut(getDb(), session, user, requestMeta(context));
  deleteSessionCookie(context.cookies, isProduction());
  return context.redirect('/login?signedout=1', 303);
};

export const { POST, ALL } = endpoint({ POST: logout });
