// The people import for scripts: POST a JSON body { people: [...], deactivateAbsent?, invite?, apply? }
// with the same columns as the CSV. Answers the stored preview (its link, counts and bad rows); with
// apply: true and a good file, also applies it at once and answers the result (ADR 026). Admins only.
export const prerender = false;

import { z } from 'zod';
import { catalogs } from '#catalog/load.ts';
import { MAX_PEOPLE_IMPORT_BYTES, MAX_PEOPLE_IMPORT_ROWS } from '#domain/people-import.ts';
import { getDb } from '#server/db/client.ts';
import { publicLink } from '#server/outbox/index.ts';
import { ok } from '#server/outcome.ts';
import { applyPeopleImport, peopleImportView, previewPeopleImport } from '#server/people-import/index.ts';
import { canAdministerOrganisation } from '#domain/access.ts';
import { endpoint, json, jsonAction } from '#server/request/endpoint.ts';

const body = z.object({
  people: z
    .array(z.record(z.string(), z.unknown()))
    .max(MAX_PEOPLE_IMPORT_ROWS, { error: `At most ${MAX_PEOPLE_IMPORT_ROWS} people a file.` }),
  deactivateAbsent: z.boolean().default(false),
  invite: z.boolean().default(false),
  apply: z.boolean().default(false),
  fileName: z.string().trim().max(200).default('people.json'),
});

const importPeople = jsonAction({
  body,
  maxBytes: MAX_PEOPLE_IMPORT_BYTES,
  run: async (input, ctx) => {
    const db = getDb();
    const catalog = (await catalogs()).jobRoles;
    const file = {
      text: JSON.stringify(input.people),
      fileName: input.fileName,
      format: 'json' as const,
      options: { deactivateAbsent: input.deactivateAbsent, invite: input.invite },
    };
    const created = await previewPeopleImport(db, ctx, file, catalog);
    if (!created.ok) return created;
    const view = await peopleImportView(db, ctx.actor, String(created.value.id));
    if (!view.ok) return view;
    const applied = input.apply && view.value.plan ? await applyPeopleImport(db, ctx, created.value.id, catalog) : null;
    return ok({
      id: created.value.id,
      link: publicLink(`/app/admin/import/${created.value.id}`),
      state: applied?.state ?? view.value.state,
      summary: applied?.summary ?? view.value.summary,
      problems: view.value.problems,
    });
  },
});

export const { POST, ALL } = endpoint({
  // Whether the actor may import at all is decided before the body is read: a member learns nothing from a 400.
  POST: (context) =>
    context.locals.user && !canAdministerOrganisation(context.locals.user)
      ? json(403, { error: 'You do not have permission to do that.' })
      : importPeople(context),
});
