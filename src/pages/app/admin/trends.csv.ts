// CSV of the organisation's trend rows (orgTrendView): 401 without a session, 403 for anyone but an admin.
import type { APIRoute } from 'astro';
import { toCsv } from '#domain/csv.ts';
import { getDb } from '#server/db/client.ts';
import { organisationSpreadsheetLocale } from '#server/organisation/index.ts';
import { actionContext } from '#server/request/context.ts';
import { csvDownload, endpoint, plainText as text } from '#server/request/endpoint.ts';
import { orgTrendView, trendCsvRows } from '#server/trends/index.ts';

export const prerender = false;

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to download trends.');
  const { today } = actionContext(context, user);
  const result = await orgTrendView(getDb(), user, today);
  if (!result.ok) return text(403, 'Only admins can download the organisation’s trends.');
  const { separator } = await organisationSpreadsheetLocale(getDb(), user);
  return csvDownload(`\uFEFF${toCsv(trendCsvRows(result.value.points), separator)}\r\n`, `trends-organisation-${today}.csv`);
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
