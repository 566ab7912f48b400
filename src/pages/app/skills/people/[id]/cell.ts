// GET /app/skills/people/<id>/cell?skill=<skill id>: one matrix cell in full
// (latest self and manager rating with notes, evidence, who and when, the
// target, the recent history) for the matrix's popover, fetched only when it
// opens. Access as the person's skills page: 401 without a session, 404 for a
// person the actor may not see, 400 without a skill, 404 for an unknown one.
import { catalogs } from '#catalog/load.ts';
import { getDb } from '#server/db/client.ts';
import { endpoint, jsonRead } from '#server/request/endpoint.ts';
import { skillCellDetails } from '#server/skills/index.ts';

export const prerender = false;

export const { GET, HEAD, ALL } = endpoint({
  GET: jsonRead({
    run: async (user, context) =>
      skillCellDetails(getDb(), user, context.params.id, context.url.searchParams.get('skill'), (await catalogs()).ladders),
  }),
});
