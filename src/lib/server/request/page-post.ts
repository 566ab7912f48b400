// The one way a page handles its forms. A page lists its intents (the value of
// the form's hidden `intent` field) with what each runs and where to go after
// it succeeds:
//   const post = await pagePost(Astro, ctx, (on) => ({
//     update: on((form, ctx) => updatePerson(db, ctx, id, form), () => `/app/team/${id}/?done=updated`),
//   }));
// This reads the body, picks the intent, runs it and turns its Outcome into
// the response:
// - success: 303 to the page `then` names (a reload never posts twice), or
//   null to render this page with the value (a one-time token, say);
// - refused input (400, 409, 413) or too many attempts (429): render the page
//   with the form's errors and what was typed, with that status;
// - 403 or 404: render the refusal (Problem), with that status.
// Methods other than GET, HEAD and POST answer 405 with Allow.
import type { AstroGlobal } from 'astro';
import type { FormValues } from '#domain/fields.ts';
import type { SignedInUser } from '../auth/session.ts';
import { getDb, type Db } from '../db/client.ts';
import type { FieldErrors, Outcome, Refusal } from '../outcome.ts';
import { actionContext, loginPath, type ActionContext } from './context.ts';
import { keepTyped, MAX_FORM_BYTES, readForm } from './form.ts';

export type PageIntent<C, V> = {
  run: (form: FormValues, ctx: C, files: ReadonlyMap<string, File>) => Promise<Outcome<V>>;
  /** Where to go after success, or null to render the page with `post.done`. */
  then: (value: V, form: FormValues) => string | null;
};

export type PageIntents<C, M> = { [K in keyof M]: PageIntent<C, M[K]> };

/** Builds one intent with its value type inferred from `run` (so `then` and `post.done` are typed). */
export type On<C> = <V>(run: PageIntent<C, V>['run'], then: PageIntent<C, V>['then']) => PageIntent<C, V>;
const on =
  <C>(): On<C> =>
  (run, then) => ({ run, then });

/** A form that was refused for its input: which one, why, and what to show again. */
export type FailedForm = { intent: string; status: number; message: string; errors: FieldErrors; values: FormValues; refusal: Refusal };

export type PostState<M> = {
  failed: FailedForm | null;
  /** The actor may not do this at all: render Problem with this status. */
  denied: 403 | 404 | null;
  /** A success that stays on the page. */
  done: { [K in keyof M]: { intent: K; value: M[K] } }[keyof M] | null;
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  429: 'Too Many Requests',
};

export const ALLOWED_PAGE_METHODS = ['GET', 'HEAD', 'POST'] as const;

export function setStatus(astro: Pick<AstroGlobal, 'response'>, status: number) {
  astro.response.status = status;
  astro.response.statusText = STATUS_TEXT[status] ?? '';
}

function refusedForm(intent: string, values: FormValues, refusal: Refusal): FailedForm {
  return {
    intent,
    status: refusal.status,
    message: refusal.message,
    errors: 'fieldErrors' in refusal ? refusal.fieldErrors : {},
    values: keepTyped(values),
    refusal,
  };
}

const badRequest = (message: string): Refusal => ({ ok: false, status: 400, message, fieldErrors: {} });

function methodNotAllowed(allow: readonly string[]): Response {
  return new Response(`This page answers ${allow.join(', ')}.`, {
    status: 405,
    statusText: STATUS_TEXT[405],
    headers: { Allow: allow.join(', '), 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** For a page without forms: GET and HEAD render it, anything else answers 405 with Allow. */
export function pageGet(astro: Pick<AstroGlobal, 'request'>): Response | null {
  const method = astro.request.method;
  return method === 'GET' || method === 'HEAD' ? null : methodNotAllowed(['GET', 'HEAD']);
}

/** What every signed-in page loads with: who is signed in, the database and the context of their actions. */
export type SignedIn = { user: SignedInUser; db: Db; ctx: ActionContext };

/** A signed-in page's start, or the response to return instead (and then nothing else). */
export type SignedInPage = ({ response: null } & SignedIn) | ({ response: Response } & { [K in keyof SignedIn]?: never });

/**
 * The start of every /app page:
 *   const { response, user, db, ctx } = signedInPage(Astro);
 *   if (response) return response;
 * A page without forms (`{ forms: false }`) answers any method but GET and HEAD with 405 first, even
 * without a session. Then a visitor without a session goes to /login?next=<this page> (303). On a page
 * with forms, pagePost answers other methods with 405, after that redirect.
 * Whether this person may see the page is the page's own check, next to what it loads.
 */
export function signedInPage(astro: AstroGlobal, options: { forms?: boolean } = {}): SignedInPage {
  if (options.forms === false) {
    const notAllowed = pageGet(astro);
    if (notAllowed) return { response: notAllowed };
  }
  const user = astro.locals.user;
  if (!user) return { response: astro.redirect(loginPath(astro.url), 303) };
  return { response: null, user, db: getDb(), ctx: actionContext(astro, user) };
}

export async function pagePost<C, M extends Record<string, unknown>>(
  astro: AstroGlobal,
  ctx: C,
  define: (on: On<C>) => PageIntents<C, M>,
  options: {
    maxBytes?: number;
    /** The intent of a form without an `intent` field (a page with one form). */
    defaultIntent?: keyof M & string;
    /** False when the actor may not use this page's forms at all: a POST is refused (403) unread and runs nothing. */
    allowed?: boolean;
    /** False when the default intent reads the body itself (an upload with its own size rules). */
    readBody?: boolean;
  } = {},
): Promise<Response | PostState<M>> {
  const state: PostState<M> = { failed: null, denied: null, done: null };
  const intents = define(on<C>());
  const method = astro.request.method;
  if (method === 'GET' || method === 'HEAD') return state;
  if (method !== 'POST') return methodNotAllowed(ALLOWED_PAGE_METHODS);
  if (options.allowed === false) {
    setStatus(astro, 403);
    state.denied = 403;
    return state;
  }
  const posted =
    options.readBody === false
      ? { values: {}, files: new Map<string, File>() }
      : await readForm(astro.request, options.maxBytes ?? MAX_FORM_BYTES);
  let refusal: Refusal;
  let intent = '';
  let values: FormValues = {};
  if (posted === 'too-large') refusal = { ok: false, status: 413, message: 'The form is too large to send.', fieldErrors: {} };
  else if (posted === 'not-a-form') refusal = badRequest('Send one of the forms on this page.');
  else {
    values = posted.values;
    intent = values.intent ?? options.defaultIntent ?? '';
    const handler = Object.hasOwn(intents, intent) ? (intents[intent as keyof M] as PageIntent<C, unknown>) : undefined;
    if (!handler) refusal = badRequest('Unknown action.');
    else {
      const result = await handler.run(values, ctx, posted.files);
      if (result.ok) {
        const next = handler.then(result.value, values);
        if (next !== null) return astro.redirect(next, 303);
        state.done = { intent, value: result.value } as PostState<M>['done'];
        return state;
      }
      refusal = result;
    }
  }
  setStatus(astro, refusal.status);
  if (refusal.status === 403 || refusal.status === 404) state.denied = refusal.status;
  else {
    if (refusal.status === 429) astro.response.headers.set('Retry-After', String(refusal.retryAfterSeconds));
    state.failed = refusedForm(intent, values, refusal);
  }
  return state;
}
