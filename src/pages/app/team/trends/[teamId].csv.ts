// CSV of one team's trend rows, with the page's access rules (teamTrendView):
// 401 without a session, 403 for members, 404 for a team outside the actor's teams.
import type { APIRoute } from 'astro';
import { toCsv } from '#domain/csv.ts';
import { getDb } from '#server/db/client.ts';
import { organisationSpreadsheetLocale } from '#server/organisation/index.ts';
import { actionContext } from '#server/request/context.ts';
import { csvDownload, endpoint, plainText as text } from '#server/request/endpoint.ts';
import { teamTrendView, trendCsvRows } from '#server/trends/index.ts';

export const prerender = false;

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to download trends.');
  const { today } = actionContext(context, user);
  const result = await teamTrendView(getDb(), user, context.params.teamId, today);
  if (!result.ok) return text(result.status, result.status === 403 ? 'Only managers and admins can download team trends.' : 'Not found.');
  const { separator } = await organisationSpreadsheetLocale(getDb(), user);
  return csvDownload(
    `\uFEFF${toCsv(trendCsvRows(result.value.points), separator)}\r\n`,
    `trends-team-${result.value.team.id}-${today}.csv`,
  );
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
