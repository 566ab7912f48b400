// GET /app/skills/export.csv: the matrix the actor sees, with the same
// filters as the page (team, category, role, tier, sort), one row per person
// x skill, kept per data version (src/lib/server/skills/export.ts).
import type { APIRoute } from 'astro';
import { catalogs } from '#catalog/load.ts';
import { csvDownload, endpoint, plainText as text } from '#server/request/endpoint.ts';
import { actionContext } from '#server/request/context.ts';
import { getDb } from '#server/db/client.ts';
import { exportSkillMatrix } from '#server/skills/index.ts';

export const prerender = false;

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
  return csvDownload(file.value.body, file.value.fileName);
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
