// GET /app/skills/import-template.csv: the import's header and an example row,
// in the organisation's separator and date order (src/lib/server/skills/template.ts).
import type { APIRoute } from 'astro';
import { endpoint } from '#server/request/endpoint.ts';
import { actionContext } from '#server/request/context.ts';
import { getDb } from '#server/db/client.ts';
import { importTemplate } from '#server/skills/index.ts';

export const prerender = false;

const text = (status: number, message: string) =>
  new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to download the import template.');
  const { today } = actionContext(context, user);
  const file = await importTemplate(getDb(), user, today);
  if (!file.ok) return text(403, 'Only managers and admins import ratings.');
  return new Response(file.value.body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file.value.fileName}"`,
      'Cache-Control': 'no-store',
    },
  });
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
