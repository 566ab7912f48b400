// POST /app/ramp/tasks/<taskId>/done — check a task off or uncheck it, as JSON.
// Body: { "done": true|false, "note"?: string, "evidenceUrl"?: string }.
// Answers the task's new state with the plan's progress and RAG status, so a
// client (and the benchmark) needs no second request. Same rules as the
// check-off forms (setTaskDone): 401 without a session, 403 cross-origin or for
// someone who may see but not check this task, 404 for a task they may not see,
// 400 for bad input, 409 on a finished plan.
import type { APIRoute } from 'astro';
import { z } from 'zod';
import { getDb } from '#server/db/client.ts';
import { clientIp } from '#server/navigation.ts';
import { crossOriginResponse, isSameOriginRequest } from '#server/origin.ts';
import { planTasks, setTaskDone, taskStates } from '#server/ramp.ts';
import { fieldErrors } from '#server/forms.ts';
import { phaseProgress, planRag, progressOf, todayOf } from '#domain/ramp.ts';

export const prerender = false;

const bodySchema = z.object({
  done: z.boolean({ error: 'Send "done": true or false.' }),
  note: z.string().max(10_000).optional(),
  evidenceUrl: z.string().max(10_000).optional(),
});

const json = (status: number, body: unknown) => Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });

export const POST: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return json(401, { error: 'Sign in first.' });
  // Astro's checkOrigin lets application/json through: check it here.
  if (!isSameOriginRequest(context.request, context.url.origin)) return crossOriginResponse();
  if (!(context.request.headers.get('content-type') ?? '').includes('application/json')) {
    return json(415, { error: 'Send JSON (Content-Type: application/json).' });
  }
  let raw: unknown;
  try {
    raw = await context.request.json();
  } catch {
    return json(400, { error: 'The body is not valid JSON.' });
  }
  const body = bodySchema.safeParse(raw);
  if (!body.success) return json(400, { error: 'Check the fields.', fieldErrors: fieldErrors(body.error) });

  const db = getDb();
  const now = new Date();
  const result = await setTaskDone(db, { actor: user, ip: clientIp(context), now }, context.params.taskId, body.data.done, {
    note: body.data.note,
    evidenceUrl: body.data.evidenceUrl,
  });
  if (!result.ok) {
    return json(result.status, { error: result.message, ...('fieldErrors' in result ? { fieldErrors: result.fieldErrors } : {}) });
  }
  const { task, plan, changed } = result.value;
  const tasks = taskStates(await planTasks(db, plan.id));
  const rag = planRag(tasks, plan.startDate, todayOf(now));
  return json(200, {
    changed,
    task: {
      id: task.id,
      done: task.doneAt !== null,
      doneAt: task.doneAt,
      doneBy: task.doneBy,
      note: task.note,
      evidenceUrl: task.evidenceUrl,
    },
    progress: progressOf(tasks),
    phases: phaseProgress(tasks).map((p) => ({ id: p.phase.id, done: p.done, total: p.total, percent: p.percent })),
    rag: { level: rag.level, label: rag.label, reasons: rag.reasons.map((r) => r.text) },
  });
};

export const GET: APIRoute = () =>
  new Response('Check a task off with POST (JSON body {"done": true}).', {
    status: 405,
    headers: { Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8' },
  });
