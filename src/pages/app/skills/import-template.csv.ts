// GET /app/skills/import-template.csv: the import's header and an example row,
// in the organisation's separator and date order (src/lib/server/skills/template.ts).
import type { APIRoute } from 'astro';
import { csvDownload, endpoint, plainText as text } from '#server/request/endpoint.ts';
import { actionContext } from '#server/request/context.ts';
import { getDb } from '#server/db/client.ts';
import { importTemplate } from '#server/skills/index.ts';

export const prerender = false;

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to download the import template.');
  const { today } = actionContext(context, user);
  const file = await importTemplate(getDb(), user, today);
  if (!file.ok) return text(403, 'Only managers and admins import ratings.');
  return csvDownload(file.value.body, file.value.fileName);
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
