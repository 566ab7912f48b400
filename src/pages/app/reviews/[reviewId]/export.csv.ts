// One review as CSV: a row per skill of its frozen snapshot (skill, target,
// self, manager and agreed levels, the notes). Same access as the review page
// (reviewFor): 401 without a session, 404 for anyone who may not see it, and
// an assessment still hidden from the actor is left out here too. Cells are
// neutralised against formula injection by toCsv, separated as the
// organisation's spreadsheets expect.
import type { APIRoute } from 'astro';
import { toCsv } from '#domain/csv.ts';
import { parseId } from '#domain/fields.ts';
import { reviewCsvRows } from '#domain/reviews.ts';
import { getDb } from '#server/db/client.ts';
import { organisationSpreadsheetLocale } from '#server/organisation/index.ts';
import { csvDownload, endpoint, plainText as text } from '#server/request/endpoint.ts';
import { reviewFor } from '#server/reviews/index.ts';

export const prerender = false;

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to export a review.');
  const id = parseId(context.params.reviewId);
  const result = id === null ? null : await reviewFor(getDb(), user, id);
  if (!result?.ok) return text(404, 'Not found.');
  const { separator } = await organisationSpreadsheetLocale(getDb(), user);
  return csvDownload(`\uFEFF${toCsv(reviewCsvRows(result.value.state), separator)}\r\n`, `review-${result.value.id}.csv`);
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
