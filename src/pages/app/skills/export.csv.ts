// GET /app/skills/export.csv: the matrix the actor sees, with the same
// filters as the page (team, category, role, tier, sort), one row per person
// x skill. Cells are made safe for spreadsheets (src/lib/domain/csv.ts).
import type { APIRoute } from 'astro';
import { getDb } from '../../../lib/server/db/client.ts';
import { loadMatrixFor, matrixCsv } from '../../../lib/server/skills.ts';
import { buildMatrix, parseMatrixQuery } from '../../../lib/domain/skills-matrix.ts';
import { jobRoleCatalog } from '../_lib/catalog.ts';
import { ladders } from './_lib/ladders.ts';

export const prerender = false;

const text = (status: number, message: string) =>
  new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

export const GET: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to export the skills matrix.');
  const catalog = await jobRoleCatalog();
  const query = parseMatrixQuery(context.url.searchParams, {
    roles: catalog.map((r) => r.slug),
    tiers: [...new Set(catalog.flatMap((r) => r.tiers.map((t) => t.id)))],
  });
  const scope = await loadMatrixFor(getDb(), user, query.team);
  if (!scope.ok) return text(scope.status === 404 ? 404 : 403, scope.status === 404 ? 'Not found.' : 'Only managers and admins can export the skills matrix.');
  const { data, team } = scope.value;
  const view = buildMatrix({ people: data.people, skills: data.skills, cells: data.cells, ladders: await ladders() }, query);
  const csv = matrixCsv(view, new Map(data.people.map((p) => [p.id, p.email])));
  const day = new Date().toISOString().slice(0, 10);
  const name = `skills-${team ? `team-${team.id}` : 'all'}-${day}.csv`;
  // A byte-order mark so spreadsheet programs read the names as UTF-8. Bytes,
  // not a string: Response would first scan a string body for lone surrogates.
  return new Response(Buffer.from(`\uFEFF${csv}\r\n`), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    },
  });
};
