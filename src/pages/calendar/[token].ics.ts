// The calendar feed a calendar application subscribes to: /calendar/<token>.ics
// for the token holder's certifications, /calendar/<token>.ics?team=<id> for a
// team they manage. The secret token in the URL is the only credential (no
// session cookie: calendar apps have none); a wrong, revoked or replaced
// token, or a team the holder may not see, is the same plain 404.
import type { APIRoute } from 'astro';
import { catalogs } from '#catalog/load.ts';
import { endpoint } from '#server/request/endpoint.ts';
import { getDb } from '#server/db/client.ts';
import { calendarFeed } from '#server/certifications/index.ts';

export const prerender = false;

const get: APIRoute = async ({ params, url }) => {
  const team = url.searchParams.has('team') ? url.searchParams.get('team') : null;
  const feed = await calendarFeed(getDb(), params.token ?? '', team, (await catalogs()).certifications, new Date(), url.hostname);
  if (!feed.ok) {
    return new Response('Not found', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  return new Response(feed.value.body, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `inline; filename="${feed.value.filename}"`,
      'Cache-Control': 'private, no-store',
      // The URL is a secret: never leak it to a site linked from a calendar app's view.
      'Referrer-Policy': 'no-referrer',
    },
  });
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
