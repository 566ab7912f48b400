// The confirm page of an email-change link, the same landing as the other
// account links (linkPage): the token comes from its path-scoped cookie, the
// page's one form (a button, so a mail scanner that opens links confirms
// nothing) runs only while the link is usable, and the answer is never cached.
import type { AstroGlobal } from 'astro';
import { getDb } from '#server/db/client.ts';
import { isProduction } from '#server/env.ts';
import type { Outcome } from '#server/outcome.ts';
import { requestMeta } from '#server/request/context.ts';
import { pagePost, type FailedForm } from '#server/request/page-post.ts';
import { confirmEmailChange, viewEmailChange, type EmailChanged, type EmailChangeView } from './email-change.ts';
import { forgetLinkToken, readLinkToken } from './link-cookie.ts';

export type EmailChangePage = { view: EmailChangeView; failed: FailedForm | null };

export async function emailChangePage(astro: AstroGlobal, then: string): Promise<Response | EmailChangePage> {
  const production = isProduction();
  const db = getDb();
  const token = readLinkToken(astro.cookies, 'email-change', production);
  const meta = requestMeta(astro);
  const view = await viewEmailChange(db, token, meta.now);
  const post = await pagePost<typeof meta, Record<string, EmailChanged>>(
    astro,
    meta,
    (on) => ({
      confirm: on(
        async (_form, meta): Promise<Outcome<EmailChanged>> => {
          const result = await confirmEmailChange(db, token, meta);
          if (result.ok) forgetLinkToken(astro.cookies, 'email-change', production);
          return result;
        },
        () => then,
      ),
    }),
    { defaultIntent: 'confirm', allowed: view.state === 'usable' },
  );
  if (post instanceof Response) return post;
  astro.response.headers.set('Cache-Control', 'no-store');
  astro.response.headers.set('Referrer-Policy', 'same-origin');
  if (view.state !== 'usable' && token !== undefined) {
    astro.response.status = view.state === 'unknown' ? 404 : 410;
    astro.response.statusText = view.state === 'unknown' ? 'Not Found' : 'Gone';
  }
  return { view, failed: post.failed };
}
