// The one landing for a page reached through an account link (invitation,
// password reset): the token comes from its cookie, the link is looked up,
// the page's single form runs only while the link is usable, and the answer
// is never cached. Each link page once carried its own copy of these steps.
import type { AstroGlobal } from 'astro';
import type { AccountTokenPurpose } from '#domain/messages.ts';
import { getDb } from '#server/db/client.ts';
import { isProduction } from '#server/env.ts';
import type { Outcome } from '#server/outcome.ts';
import { requestMeta } from '#server/request/context.ts';
import { pagePost, type FailedForm } from '#server/request/page-post.ts';
import { completeLink, forgetLinkToken, readLinkToken, viewLink, type LinkCompleted, type LinkView } from './index.ts';

export type LinkPageAction = {
  /** The intent of the page's one form. */
  intent: string;
  signIn: boolean;
  /** Where the browser goes once the link is used. */
  then: string;
  /** Runs after the link is used and its cookie forgotten (e.g. to start the new session). */
  afterUse?: (completed: LinkCompleted) => Promise<void>;
};

export type LinkPage = { view: LinkView; failed: FailedForm | null };

export async function linkPage(astro: AstroGlobal, purpose: AccountTokenPurpose, action: LinkPageAction): Promise<Response | LinkPage> {
  const production = isProduction();
  const db = getDb();
  const token = readLinkToken(astro.cookies, purpose, production);
  const meta = requestMeta(astro);
  const view = await viewLink(db, purpose, token, meta.now);
  const post = await pagePost<typeof meta, Record<string, LinkCompleted>>(
    astro,
    meta,
    (on) => ({
      [action.intent]: on(
        async (form, meta): Promise<Outcome<LinkCompleted>> => {
          const result = await completeLink(db, purpose, token, form, meta, { signIn: action.signIn });
          if (!result.ok) return result;
          forgetLinkToken(astro.cookies, purpose, production);
          await action.afterUse?.(result.value);
          return result;
        },
        () => action.then,
      ),
    }),
    { defaultIntent: action.intent, allowed: view.state === 'usable' },
  );
  if (post instanceof Response) return post;
  // The page acts on a live credential: never cache it, and tell no other site it was here. Not no-referrer:
  // with it, browsers send `Origin: null` on the form's own POST, which the origin check refuses.
  astro.response.headers.set('Cache-Control', 'no-store');
  astro.response.headers.set('Referrer-Policy', 'same-origin');
  // Opened without a link (no cookie), the page explains itself (200); a link nobody issued is 404, a dead one 410.
  if (view.state !== 'usable' && token !== undefined) {
    astro.response.status = view.state === 'unknown' ? 404 : 410;
    astro.response.statusText = view.state === 'unknown' ? 'Not Found' : 'Gone';
  }
  return { view, failed: post.failed };
}
