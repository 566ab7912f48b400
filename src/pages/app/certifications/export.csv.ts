// CSV export of the compliance matrix, with the same filters and the same
// access rules as the page (complianceMatrixView): 401 without a session,
// 403 for members, 404 for a team outside the actor's teams. Cells are
// neutralised against formula injection by toCsv (src/lib/domain/csv.ts), and
// separated as the organisation's spreadsheets expect (comma or semicolon).
import type { APIRoute } from 'astro';
import { catalogs } from '#catalog/load.ts';
import { csvDownload, endpoint, plainText as text } from '#server/request/endpoint.ts';
import { getDb } from '#server/db/client.ts';
import { actionContext } from '#server/request/context.ts';
import { complianceCsvRows, complianceMatrixView } from '#server/certifications/index.ts';
import { describePosition } from '#domain/job-roles.ts';
import { toCsv } from '#domain/csv.ts';
import { organisationSpreadsheetLocale } from '#server/organisation/index.ts';

export const prerender = false;

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to export certifications.');
  const { certifications: content, jobRoles: roles } = await catalogs();
  const { today } = actionContext(context, user);
  const result = await complianceMatrixView(getDb(), user, context.url.searchParams, content, today);
  if (!result.ok)
    return text(result.status, result.status === 403 ? 'Only managers and admins can export the compliance matrix.' : 'Not found.');
  // The organisation's separator, so a spreadsheet set to its region opens the file in columns.
  const { separator } = await organisationSpreadsheetLocale(getDb(), user);
  const csv = toCsv(
    complianceCsvRows(result.value, (jobRole, tier) => describePosition(roles, jobRole, tier)),
    separator,
  );
  // The byte-order mark makes spreadsheet programs read UTF-8 names correctly.
  return csvDownload(`\uFEFF${csv}\r\n`, `certifications-${result.value.today}.csv`);
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
