// POST /app/skills/rating: the matrix's keyboard editor saves a rating here
// as JSON and gets the updated cell back. Authorization is the same as the
// rating form's (recordRating): 404 for someone the actor may not see, 403
// for someone they may see but not rate.
import { z } from 'zod';
import { catalogs } from '#catalog/load.ts';
import { getDb } from '#server/db/client.ts';
import { endpoint, jsonAction } from '#server/request/endpoint.ts';
import { rateFromMatrix } from '#server/skills/index.ts';

export const prerender = false;

const body = z.record(z.string(), z.unknown(), { error: 'Send an object with personId, skillId and level.' });

export const { POST, ALL } = endpoint({
  POST: jsonAction({
    body,
    run: async (input, ctx) => rateFromMatrix(getDb(), ctx, input, (await catalogs()).ladders),
  }),
});
