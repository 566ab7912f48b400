// POST /app/skills/rating: the matrix's keyboard editor saves a rating here
// as JSON and gets the updated cell back. Astro's checkOrigin lets JSON
// through, so this endpoint checks the origin itself. Authorization is the
// same as the rating form's (recordRating): 404 for someone the actor may not
// see, 403 for someone they may see but not rate.
import type { APIRoute } from 'astro';
import { getDb } from '#server/db/client.ts';
import { clientIp } from '#server/navigation.ts';
import { crossOriginResponse, isSameOriginRequest } from '#server/origin.ts';
import { latestCells, recordRating } from '#server/skills.ts';
import { cellDescription, cellKey, cellText, matrixCell, targetsFor } from '#domain/skills-matrix.ts';
import { ladders } from './_lib/ladders.ts';

export const prerender = false;

/** JSON bodies here are a few hundred bytes; anything much larger is not from the editor. */
const MAX_BODY = 16 * 1024;

/** The body as text, or null past `max` bytes (read with a cap: a chunked body has no Content-Length). */
async function readCapped(request: Request, max: number): Promise<string | null> {
  if (Number(request.headers.get('content-length') ?? 0) > max) return null;
  const reader = request.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

const json = (status: number, body: unknown) => Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });

export const POST: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return json(401, { error: 'Sign in again: your session has ended.' });
  if (!isSameOriginRequest(context.request, context.url.origin)) return crossOriginResponse();
  if (!(context.request.headers.get('content-type') ?? '').startsWith('application/json')) {
    return json(415, { error: 'Send the rating as application/json.' });
  }
  const text = await readCapped(context.request, MAX_BODY);
  if (text === null) return json(413, { error: 'The request is too large.' });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return json(400, { error: 'The request is not valid JSON.' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return json(400, { error: 'Send an object with personId, skillId and level.' });
  const { personId, ...input } = body as Record<string, unknown>;

  const db = getDb();
  const now = new Date();
  const result = await recordRating(
    db,
    { actor: user, ip: clientIp(context), now },
    typeof personId === 'number' || typeof personId === 'string' ? personId : undefined,
    input,
  );
  if (!result.ok) {
    return json(result.status, { error: result.message, fieldErrors: 'fieldErrors' in result ? result.fieldErrors : {} });
  }

  const { rating, subject } = result.value;
  const cells = await latestCells(db, user.orgId, [subject.id]);
  const target = targetsFor(await ladders(), subject.jobRole, subject.tier)?.[rating.skillId] ?? null;
  const cell = matrixCell(cells.get(cellKey(subject.id, rating.skillId)), target);
  return json(200, { ratingId: rating.id, kind: rating.kind, cell: { ...cell, text: cellText(cell), description: cellDescription(cell) } });
};

export const ALL: APIRoute = () => json(405, { error: 'Use POST.' });
