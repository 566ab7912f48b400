// Refuses cross-site form posts (Astro's checkOrigin rule, run here so the
// RFC 8058 unsubscribe path can be its one exception), then loads the
// signed-in user from the session cookie into context.locals, and
// keeps someone with a handed-out password on the password page until they
// choose their own (forcedChangeRedirect, the one place of that rule); it
// does nothing else: every protected page, endpoint and action checks access
// itself (src/lib/server/access.ts). Authorizing by URL path here would be
// bypassable by encodings and duplicate slashes (see CVE-2025-66202).
import { defineMiddleware } from 'astro:middleware';
import { getDb } from './lib/server/db/client.ts';
import { isProduction } from './lib/server/env.ts';
import { forcedChangeRedirect } from './lib/domain/account-messages.ts';
import { deleteSessionCookie, sessionCookieName, validateSessionToken } from './lib/server/auth/session.ts';
import { crossSiteFormResponse, isForbiddenCrossSiteForm } from './lib/server/request/origin.ts';

export const onRequest = defineMiddleware(async (context, next) => {
  context.locals.user = null;
  context.locals.session = null;
  // Prerendered pages run this at build time: no request cookies, no database.
  if (context.isPrerendered) return next();
  // Astro's checkOrigin, with the one RFC 8058 exception (request/origin.ts).
  if (isForbiddenCrossSiteForm(context.request, context.url)) return crossSiteFormResponse(context.request);

  const production = isProduction();
  const token = context.cookies.get(sessionCookieName(production))?.value;
  if (token) {
    const valid = await validateSessionToken(getDb(), token);
    if (valid) {
      context.locals.user = valid.user;
      context.locals.session = valid.session;
      const forced = forcedChangeRedirect(valid.user.mustChangePassword, context.url.pathname);
      if (forced) return context.redirect(forced, 303);
    } else {
      // Expired, ended or forged: drop it so the browser stops sending it.
      deleteSessionCookie(context.cookies, production);
    }
  }
  return next();
});
