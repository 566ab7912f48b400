// GET /app/admin/outbox/<id>/html: a message's HTML as stored, for the
// sandboxed frame on the message page (admins only). Its own policy lets the
// message's inline styles apply and nothing else load or run, and only this
// site may frame it; the frame's sandbox attribute adds a unique origin.
import type { APIRoute } from 'astro';
import { getDb } from '#server/db/client.ts';
import { outboxMessage } from '#server/outbox/index.ts';
import { endpoint, plainText as text } from '#server/request/endpoint.ts';

export const prerender = false;

const MESSAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; form-action 'none'; sandbox";

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to read the outbox.');
  const result = await outboxMessage(getDb(), user, context.params.messageId);
  if (!result.ok) return text(result.status === 404 ? 404 : 403, result.status === 404 ? 'Not found.' : 'Only admins can read the outbox.');
  return new Response(result.value.htmlBody, {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': MESSAGE_POLICY,
      'X-Frame-Options': 'SAMEORIGIN',
      'Cache-Control': 'private, no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
