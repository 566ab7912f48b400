// What the ramp pages say about their forms: the notice after a change (PRG
// ?done=…) and a refused task form, which the Checklist explains next to its task.
import type { FormValues } from '#domain/fields.ts';
import type { FieldErrors } from '#server/outcome.ts';
import type { FailedForm as RefusedForm } from '#server/request/page-post.ts';

/** A refused check-off or edit of one task. */
export type FailedTaskForm = { intent: string; taskId: string; values: FormValues; errors: FieldErrors; message: string };

export const taskFailure = (refused: RefusedForm): FailedTaskForm => ({
  intent: refused.intent,
  taskId: refused.values.taskId ?? '',
  values: refused.values,
  errors: refused.errors,
  message: refused.message,
});

/** After a check-off on the checklist page. */
export const CHECKLIST_NOTICES = {
  checked: 'Task checked off.',
  unchecked: 'Task marked as not done.',
};

/** The notice each of a plan page's forms leads to (its ?done= key). */
export const PLAN_DONE_KEYS = {
  done: 'checked',
  undone: 'unchecked',
  add: 'added',
  update: 'updated',
  move: 'moved',
  remove: 'removed',
  complete: 'completed',
  close: 'closed',
} as const;

/** After each change on a plan's page. */
export const PLAN_NOTICES = {
  started: 'Plan started. Adapt it to the person: add, edit, reorder or remove tasks below.',
  ...CHECKLIST_NOTICES,
  added: 'Task added.',
  updated: 'Task saved.',
  moved: 'Task moved.',
  removed: 'Task removed. It stays in the history below.',
  completed: 'Plan completed. It stays readable here.',
  closed: 'Plan closed. It stays readable here.',
};
