// POST /app/skills/rating: the matrix's keyboard editor saves a rating here
// as JSON and gets the updated cell back. Authorization is the same as the
// rating form's (recordRating): 404 for someone the actor may not see, 403
// for someone they may see but not rate.
import { z } from 'zod';
import { catalogs } from '#catalog/load.ts';
import { getDb } from '#server/db/client.ts';
import { endpoint, jsonAction } from '#server/request/endpoint.ts';
import { latestCells, recordRating } from '#server/skills.ts';
import { cellDescription, cellKey, cellText, matrixCell, targetsFor } from '#domain/skills-matrix.ts';

export const prerender = false;

const body = z.record(z.string(), z.unknown(), { error: 'Send an object with personId, skillId and level.' });

export const { POST, ALL } = endpoint({
  POST: jsonAction({
    body,
    run: ({ personId, ...input }, ctx) =>
      recordRating(getDb(), ctx, typeof personId === 'number' || typeof personId === 'string' ? personId : undefined, input),
    respond: async ({ rating, subject }, ctx) => {
      const cells = await latestCells(getDb(), ctx.actor.orgId, [subject.id]);
      const target = targetsFor((await catalogs()).ladders, subject.jobRole, subject.tier)?.[rating.skillId] ?? null;
      const cell = matrixCell(cells.get(cellKey(subject.id, rating.skillId)), target);
      return { ratingId: rating.id, kind: rating.kind, cell: { ...cell, text: cellText(cell), description: cellDescription(cell) } };
    },
  }),
});
