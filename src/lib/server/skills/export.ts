// The matrix as CSV: the view the actor sees, with the same filters as the
// page, one row per person x skill. Cells are made safe for spreadsheets
// (src/lib/domain/csv.ts). A file is kept per person and filters while the
// organisation's data version stands still (src/lib/server/data-version.ts):
// the same export asked again, from any tab or by a script, costs one indexed
// read instead of a rebuild.
import type { Catalogs } from '#catalog/catalogs.ts';
import { canOverseeTeams, isAdmin, type Actor } from '#domain/access.ts';
import type { IsoDate } from '#domain/calendar.ts';
import { csvField, type CsvCell } from '#domain/csv.ts';
import { parseListQuery, startsWithNocase } from '#domain/paging.ts';
import { SKILLS_EXPORT_COLUMNS } from '#domain/skills-import.ts';
import type { Separator } from '#domain/spreadsheet-locale.ts';
import { buildSkillMatrix, CATEGORY_LABELS, type SkillMatrixView } from '#domain/skills-matrix.ts';
import { orgDataVersion, VersionedCache } from '#server/data-version.ts';
import { effectiveLadders } from '#server/frameworks/queries.ts';
import type { Executor } from '#server/db/client.ts';
import { organisationSpreadsheetLocale } from '#server/organisation/index.ts';
import { forbidden, ok, type Outcome } from '#server/outcome.ts';
import { loadMatrixFor, matrixQueryOf } from './matrix.ts';

// --- CSV export ---------------------------------------------------------------------

/**
 * The matrix as one row per person x skill: a shape spreadsheets filter and
 * pivot well. Exactly toCsv's output for those rows, but each person's and each
 * skill's columns are encoded once, not once per line (50 people x 60 skills
 * is 3,000 lines). The columns are the import's too, so a file edited in a
 * spreadsheet imports back (the manager column is the level).
 */
export function matrixCsv(view: SkillMatrixView, emails: ReadonlyMap<number, string>, separator: Separator = ','): string {
  const line = (cells: readonly CsvCell[]) => cells.map((cell) => csvField(cell)).join(separator);
  const skillColumns = view.columns.map((c) => line([c.skill.id, c.skill.name, CATEGORY_LABELS[c.skill.category]]));
  const lines = [line(SKILLS_EXPORT_COLUMNS)];
  for (const row of view.rows) {
    const person = line([row.person.name, emails.get(row.person.id) ?? '', row.person.jobRole ?? '', row.person.tier ?? '']);
    for (let i = 0; i < skillColumns.length; i++) {
      const cell = row.cells[i]!;
      lines.push(`${person}${separator}${skillColumns[i]}${separator}${line([cell.self, cell.manager, cell.target, cell.gap])}`);
    }
  }
  return lines.join('\r\n');
}

const utf8 = new TextEncoder();
/** At most 64 files or 64 MiB per process. */
const files = new VersionedCache<{ body: Uint8Array<ArrayBuffer>; teamId: number | null }>(64, 64 * 1024 * 1024);

export type MatrixExport = { body: Uint8Array<ArrayBuffer>; fileName: string };

/**
 * The CSV file of the matrix view `params` asks for, as the actor may see it
 * (managers and admins; a team they do not manage is "not found"), named
 * after the team and the organisation's `today`, with its spreadsheet separator.
 */
export async function exportSkillMatrix(
  db: Executor,
  actor: Actor,
  params: URLSearchParams,
  catalogs: Pick<Catalogs, 'jobRoles' | 'ladders'>,
  today: IsoDate,
): Promise<Outcome<MatrixExport>> {
  if (!canOverseeTeams(actor)) return forbidden('Only managers and admins can export the skills matrix.');
  const query = matrixQueryOf(params, catalogs.jobRoles);
  // The page searches by name only in the admin's whole organisation; the file holds what that search found, every page of it.
  const q = isAdmin(actor) && !query.team ? parseListQuery(params).q : null;
  // Read before the data: a change landing in between only makes this file newer than its version, never older.
  const version = await orgDataVersion(db, actor.orgId);
  // Who asks matters (a manager sees their teams); a change of role or team moves the version.
  // The separator is an organisation setting, which moves no data version: it is part of the key instead.
  const { separator } = await organisationSpreadsheetLocale(db, actor);
  const key = `${actor.id}:${actor.role}:${separator}:${JSON.stringify({ ...query, q })}`;
  let file = files.get(key, version);
  if (!file) {
    const scope = await loadMatrixFor(db, actor, query.team);
    if (!scope.ok) return scope;
    const { data, team } = scope.value;
    const people = q === null ? data.people : data.people.filter((p) => startsWithNocase(p.name, q));
    const view = buildSkillMatrix(
      { people, skills: data.skills, cells: data.cells, ladders: await effectiveLadders(db, actor.orgId, catalogs.ladders) },
      query,
    );
    const csv = matrixCsv(view, new Map(data.people.map((p) => [p.id, p.email])), separator);
    // A byte-order mark so spreadsheet programs read the names as UTF-8. Bytes,
    // not a string: Response would first scan a string body for lone surrogates.
    file = { body: utf8.encode(`\uFEFF${csv}\r\n`), teamId: team?.id ?? null };
    files.set(key, version, file, file.body.length);
  }
  return ok({ body: file.body, fileName: `skills-${file.teamId !== null ? `team-${file.teamId}` : 'all'}-${today}.csv` });
}
