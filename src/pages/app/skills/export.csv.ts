// GET /app/skills/export.csv: the matrix the actor sees, with the same
// filters as the page (team, category, role, tier, sort), one row per person
// x skill, kept per data version (src/lib/server/skills/export.ts).
import type { APIRoute } from 'astro';
import { catalogs } from '#catalog/load.ts';
import { endpoint } from '#server/request/endpoint.ts';
import { actionContext } from '#server/request/context.ts';
import { getDb } from '#server/db/client.ts';
import { exportSkillMatrix } from '#server/skills/index.ts';

export const prerender = false;

const text = (status: number, message: string) =>
  new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to export the skills matrix.');
  const { today } = actionContext(context, user);
  const file = await exportSkillMatrix(getDb(), user, context.url.searchParams, await catalogs(), today);
  if (!file.ok)
    return text(
      file.status === 404 ? 404 : 403,
      file.status === 404 ? 'Not found.' : 'Only managers and admins can export the skills matrix.',
    );
  return new Response(file.value.body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file.value.fileName}"`,
      'Cache-Control': 'no-store',
    },
  });
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
