// The one way an endpoint (a route without a page) is written: which methods
// it answers (anything else: 405 with Allow), and for JSON actions the checks
// every one needs in the same order: a session (401), the same origin (403:
// Astro's checkOrigin lets application/json through), a JSON content type
// (415), a capped body (413), valid JSON (400) matching the schema (400), then
// the feature's Outcome as the status and body. JSON reads (jsonRead) take the
// session check (401) and the Outcome the same way.
import type { APIContext, APIRoute } from 'astro';
import type { z } from 'zod';
import { isInputRefusal, parseInput, type Outcome, type Refusal } from '../outcome.ts';
import { readCapped } from './body.ts';
import { actionContext, type ActionContext } from './context.ts';
import { isSameOriginRequest } from './origin.ts';
import type { SignedInUser } from '../auth/session.ts';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Handlers = Partial<Record<Method, APIRoute>>;

/** A JSON response nobody caches. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });

/** A short plain-text answer (a refusal of a download, say) nobody caches. */
export const plainText = (status: number, message: string) =>
  new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

/**
 * A CSV file to save, never cached (it holds people's data). The body is
 * expected to carry its own byte-order mark when spreadsheet programs need
 * one to read UTF-8 names (src/lib/domain/csv.ts).
 */
export const csvDownload = (body: string | Uint8Array<ArrayBuffer>, fileName: string) =>
  new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName.replace(/["\\\r\n]/g, '')}"`,
      'Cache-Control': 'private, no-store',
    },
  });

/** The JSON body of a refusal: `error`, and the field errors of refused input. */
export function refusalBody(refusal: Refusal) {
  return { error: refusal.message, ...(isInputRefusal(refusal) ? { fieldErrors: refusal.fieldErrors } : {}) };
}

export function refusalResponse(refusal: Refusal): Response {
  return json(refusal.status, refusalBody(refusal), refusal.status === 429 ? { 'Retry-After': String(refusal.retryAfterSeconds) } : {});
}

/**
 * The route's exports: the given handlers, HEAD with GET, and ALL answering
 * 405 with Allow for every other method. `export const { GET, ALL } = endpoint({ GET: … })`.
 */
export function endpoint(handlers: Handlers): Handlers & { ALL: APIRoute } {
  const all: Handlers = { ...handlers };
  if (all.GET && !all.HEAD) all.HEAD = all.GET;
  const allow = Object.keys(all).join(', ');
  const ALL: APIRoute = () =>
    new Response(`This address answers ${allow}.`, {
      status: 405,
      headers: { Allow: allow, 'Content-Type': 'text/plain; charset=utf-8' },
    });
  return { ...all, ALL };
}

export type JsonAction<S extends z.ZodType, V> = {
  /** The body's shape; a body that does not match answers 400 with field errors. */
  body: S;
  /** Bodies here are small; anything much larger is not from our pages. */
  maxBytes?: number;
  /** What the 401 says: the page's script shows it as is. */
  signInMessage?: string;
  run: (input: z.infer<S>, ctx: ActionContext, context: APIContext) => Promise<Outcome<V>>;
  /** The 200 body for the value (defaults to the value itself). */
  respond?: (value: V, ctx: ActionContext) => Promise<unknown> | unknown;
};

/** A POST handler for a JSON action, for `endpoint({ POST: jsonAction({...}) })`. */
export function jsonAction<S extends z.ZodType, V>(action: JsonAction<S, V>): APIRoute {
  return async (context) => {
    const user = context.locals.user;
    if (!user) return json(401, { error: action.signInMessage ?? 'Sign in again: your session has ended.' });
    if (!isSameOriginRequest(context.request, context.url.origin)) return json(403, { error: 'Cross-origin requests are not allowed.' });
    if (!(context.request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
      return json(415, { error: 'Send JSON (Content-Type: application/json).' });
    }
    const bytes = await readCapped(context.request, action.maxBytes ?? 16 * 1024);
    if (bytes === null) return json(413, { error: 'The request is too large.' });
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return json(400, { error: 'The body is not valid JSON.' });
    }
    const input = parseInput(action.body, raw);
    if (!input.ok) return refusalResponse(input);
    const ctx = actionContext(context, user);
    const result = await action.run(input.value, ctx, context);
    if (!result.ok) return refusalResponse(result);
    return json(200, action.respond ? await action.respond(result.value, ctx) : result.value);
  };
}

export type JsonRead<V> = {
  /** What the 401 says: the page's script shows it as is. */
  signInMessage?: string;
  /** The feature's read, with the signed-in user (their organisation's time zone included). */
  run: (user: SignedInUser, context: APIContext) => Promise<Outcome<V>>;
};

/**
 * A GET handler answering JSON from a feature's read, for
 * `endpoint({ GET: jsonRead({...}) })`: 401 without a session, a refusal's
 * status and `error`, or 200 with the value. No origin check: a GET changes
 * nothing, and another site's script cannot read the answer (no CORS headers).
 */
export function jsonRead<V>(read: JsonRead<V>): APIRoute {
  return async (context) => {
    const user = context.locals.user;
    if (!user) return json(401, { error: read.signInMessage ?? 'Sign in again: your session has ended.' });
    const result = await read.run(user, context);
    return result.ok ? json(200, result.value) : refusalResponse(result);
  };
}
