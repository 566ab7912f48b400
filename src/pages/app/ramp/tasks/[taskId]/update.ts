// POST /app/ramp/tasks/<taskId>/update: the checklist island's inline edit of
// a task, as JSON. Body: { "planId", "title", "owner", "dueDay", and the
// task's other fields as the edit form sends them (strings) }. The same
// action and rules as the plan page's edit form (updateTask: only a manager
// who may edit the plan, 404 for a task of another plan, 400 with the form's
// field errors); answers the saved task.
import { z } from 'zod';
import { catalogs } from '#catalog/load.ts';
import { getDb } from '#server/db/client.ts';
import { endpoint, jsonAction } from '#server/request/endpoint.ts';
import { updateTask } from '#server/ramp/index.ts';

export const prerender = false;

const field = z.string().max(10_000).optional();
const body = z.object({
  planId: z.union([z.string(), z.number()], { error: 'Send the plan\u2019s id as "planId".' }),
  title: field,
  detail: field,
  owner: field,
  buddyUserId: field,
  dueDay: z.union([z.string().max(10), z.number()]).optional(),
  skillId: field,
  kpiId: field,
});

export const { POST, ALL } = endpoint({
  POST: jsonAction({
    body,
    signInMessage: 'Sign in first.',
    run: async ({ planId, dueDay, ...form }, ctx, context) =>
      updateTask(
        getDb(),
        ctx,
        planId,
        context.params.taskId,
        // The form's values are strings; a field left out stays out (and is refused if required).
        Object.fromEntries(
          Object.entries({ ...form, dueDay })
            .filter((e): e is [string, string | number] => e[1] !== undefined)
            .map(([k, v]) => [k, String(v)]),
        ),
        (await catalogs()).ramp,
      ),
    respond: (task) => ({
      task: {
        id: task.id,
        title: task.title,
        owner: task.owner,
        dueDay: task.dueDay,
        phaseId: task.phaseId,
        buddyUserId: task.buddyUserId,
      },
    }),
  }),
});
