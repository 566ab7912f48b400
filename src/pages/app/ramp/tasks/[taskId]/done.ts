// POST /app/ramp/tasks/<taskId>/done — check a task off or uncheck it, as JSON.
// Body: { "done": true|false, "note"?: string, "evidenceUrl"?: string }.
// Answers the task's new state with the plan's progress and RAG status, so a
// client (and the benchmark) needs no second request. Same rules as the
// check-off forms (checkOffTask runs setTaskDone): 401 without a session, 403
// cross-origin or for someone who may see but not check this task, 404 for a
// task they may not see, 400 for bad input, 409 on a finished plan.
import { z } from 'zod';
import { getDb } from '#server/db/client.ts';
import { endpoint, jsonAction } from '#server/request/endpoint.ts';
import { checkOffTask } from '#server/ramp/index.ts';

export const prerender = false;

const body = z.object({
  done: z.boolean({ error: 'Send "done": true or false.' }),
  note: z.string().max(10_000).optional(),
  evidenceUrl: z.string().max(10_000).optional(),
});

export const { POST, ALL } = endpoint({
  POST: jsonAction({
    body,
    signInMessage: 'Sign in first.',
    run: ({ done, note, evidenceUrl }, ctx, context) => checkOffTask(getDb(), ctx, context.params.taskId, done, { note, evidenceUrl }),
  }),
});
