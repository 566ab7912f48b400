// GET /app/skills/export.csv: the matrix the actor sees, with the same
// filters as the page (team, category, role, tier, sort), one row per person
// x skill. Cells are made safe for spreadsheets (src/lib/domain/csv.ts).
// A file is kept per person and filters while the organisation's data version
// stands still (src/lib/server/data-version.ts): the same export asked again,
// from any tab or by a script, costs one indexed read instead of a rebuild.
import type { APIRoute } from 'astro';
import { catalogs } from '#catalog/load.ts';
import { endpoint } from '#server/request/endpoint.ts';
import { getDb } from '#server/db/client.ts';
import { orgDataVersion, VersionedCache } from '#server/data-version.ts';
import { loadMatrixFor, matrixCsv } from '#server/skills.ts';
import { buildMatrix, parseMatrixQuery } from '#domain/skills-matrix.ts';

export const prerender = false;

const text = (status: number, message: string) =>
  new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });

const utf8 = new TextEncoder();
/** At most 64 files or 64 MiB per process. */
const files = new VersionedCache<{ body: Uint8Array<ArrayBuffer>; teamId: number | null }>(64, 64 * 1024 * 1024);

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to export the skills matrix.');
  const catalog = (await catalogs()).jobRoles;
  const query = parseMatrixQuery(context.url.searchParams, {
    roles: catalog.map((r) => r.slug),
    tiers: [...new Set(catalog.flatMap((r) => r.tiers.map((t) => t.id)))],
  });
  const db = getDb();
  // Read before the data: a change landing in between only makes this file newer than its version, never older.
  const version = await orgDataVersion(db, user.orgId);
  // Who asks matters (a manager sees their teams); a change of role or team moves the version.
  const key = `${user.id}:${user.role}:${JSON.stringify(query)}`;
  let file = files.get(key, version);
  if (!file) {
    const scope = await loadMatrixFor(db, user, query.team);
    if (!scope.ok)
      return text(
        scope.status === 404 ? 404 : 403,
        scope.status === 404 ? 'Not found.' : 'Only managers and admins can export the skills matrix.',
      );
    const { data, team } = scope.value;
    const view = buildMatrix({ people: data.people, skills: data.skills, cells: data.cells, ladders: (await catalogs()).ladders }, query);
    const csv = matrixCsv(view, new Map(data.people.map((p) => [p.id, p.email])));
    // A byte-order mark so spreadsheet programs read the names as UTF-8. Bytes,
    // not a string: Response would first scan a string body for lone surrogates.
    file = { body: utf8.encode(`\uFEFF${csv}\r\n`), teamId: team?.id ?? null };
    files.set(key, version, file, file.body.length);
  }
  const day = new Date().toISOString().slice(0, 10);
  const name = `skills-${file.teamId !== null ? `team-${file.teamId}` : 'all'}-${day}.csv`;
  return new Response(file.body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    },
  });
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
