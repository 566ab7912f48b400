// A review cycle's overview as CSV: a row per person the actor may oversee,
// with the step their review is at and its address. Same access as the cycle
// page (cycleOverview): 401 without a session, 404 otherwise.
import type { APIRoute } from 'astro';
import { toCsv } from '#domain/csv.ts';
import { parseId } from '#domain/fields.ts';
import { STEP_LABELS } from '#domain/reviews.ts';
import { getDb } from '#server/db/client.ts';
import { organisationSpreadsheetLocale } from '#server/organisation/index.ts';
import { publicLink } from '#server/outbox/index.ts';
import { csvDownload, endpoint, plainText as text } from '#server/request/endpoint.ts';
import { cycleOverview, reviewPath } from '#server/reviews/index.ts';

export const prerender = false;

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to export a review cycle.');
  const id = parseId(context.params.cycleId);
  const result = id === null ? null : await cycleOverview(getDb(), user, id);
  if (!result?.ok) return text(404, 'Not found.');
  const { cycle, people } = result.value;
  const rows = [
    ['Cycle', 'Due', 'Person', 'Step', 'Review'],
    ...people.map((p) => [cycle.name, cycle.dueOn, p.name, STEP_LABELS[p.step], publicLink(reviewPath(p.reviewId))]),
  ];
  const { separator } = await organisationSpreadsheetLocale(getDb(), user);
  return csvDownload(`\uFEFF${toCsv(rows, separator)}\r\n`, `review-cycle-${cycle.id}.csv`);
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
