// The calendar feed a calendar application subscribes to: /calendar/<token>.ics
// for the token holder's certifications, /calendar/<token>.ics?team=<id> for a
// team they manage. The secret token in the URL is the only credential (no
// session cookie: calendar apps have none); a wrong, revoked or replaced
// token, or a team the holder may not see, is the same plain 404.
// Calendar apps poll: the ETag (a hash of the feed, whose bytes depend only on
// the data) and Last-Modified let an unchanged feed answer 304 with no body.
import type { APIRoute } from 'astro';
import { catalogs } from '#catalog/load.ts';
import { endpoint } from '#server/request/endpoint.ts';
import { getDb } from '#server/db/client.ts';
import { calendarFeed, feedEtag, isNotModified } from '#server/certifications/index.ts';
import { env } from '#server/env.ts';

export const prerender = false;

const get: APIRoute = async ({ params, url, request }) => {
  const team = url.searchParams.has('team') ? url.searchParams.get('team') : null;
  const feed = await calendarFeed(getDb(), params.token ?? '', team, (await catalogs()).certifications, env().PUBLIC_URL);
  if (!feed.ok) {
    return new Response('Not found', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  const validators = {
    ETag: feedEtag(feed.value.body),
    'Last-Modified': feed.value.lastModified.toUTCString(),
    // The URL is a secret: a shared cache must never keep it, the calendar app
    // may, and asks again (cheaply, with the validators) every time.
    'Cache-Control': 'private, no-cache',
    // Never leak the URL to a site linked from a calendar app's view.
    'Referrer-Policy': 'no-referrer',
  };
  if (isNotModified(request.headers, validators.ETag, feed.value.lastModified)) {
    return new Response(null, { status: 304, headers: validators });
  }
  return new Response(feed.value.body, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `inline; filename="${feed.value.filename}"`,
      ...validators,
    },
  });
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
