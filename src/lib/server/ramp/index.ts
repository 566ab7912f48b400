// 90-day ramp plans: the public face. Pages and the JSON endpoint import only
// this file: the actions people take on plans, and one read per page.
//
// Who may do what (checked in the feature, inside each action's transaction,
// after loading the records involved; the pages and the JSON endpoint only call in):
// - see a plan: the new hire it is for, the managers of a team the new hire is
//   in, admins of the organisation, and a colleague named as buddy on one of
//   its tasks (so they can check their buddy tasks off);
// - start, edit (add, change, reorder, remove tasks), complete or close a plan:
//   whoever may edit the person's profile (canEditUser: admins; managers for
//   the members of the teams they manage, never for themselves);
// - check a task off or uncheck it: the task's owner (the new hire for
//   new-hire tasks, the named buddy for buddy tasks) or anyone who may edit
//   the plan (a manager can check any task of their team's plans);
// - a completed or closed plan is read-only and stays readable.
// A plan the actor may not see answers 404 whatever the id; a plan they see but
// may not change answers 403; a denied or invalid action changes nothing.
// Every change writes a ramp_plan_history row (before/after) and an audit row
// in the same transaction as the change (history.ts).
//
// "Today" is the organisation's date: actions take it from their context,
// reads from the caller.
import type { RampCatalog } from '#catalog/catalogs.ts';
import { canOverseeTeams, canToggleTask, type Actor } from '#domain/access.ts';
import { daysBetween, type IsoDate } from '#domain/calendar.ts';
import {
  RAG_ORDER,
  describeHistory,
  dueDate,
  nextDueTask,
  phaseProgress,
  planPosition,
  planRag,
  positionLabel,
  progressOf,
  taskStates,
  type OwnedTaskState,
  type Progress,
  type RagLevel,
  type RagStatus,
  type TaskState,
} from '#domain/ramp.ts';
import type { Executor } from '#server/db/client.ts';
import type { RampPhaseSnapshot, RampPlan, RampTask } from '#server/db/schema.ts';
import { ok, type Outcome } from '#server/outcome.ts';
import { PICKER_LIMIT, foldAscii, pickedFrom, type Picked } from '#domain/people-search.ts';
import { pickPeople, pickablePerson, type PickablePerson } from '#server/search/queries.ts';
import { setTaskDone } from './check-off.ts';
import { loadPlanFor, type LoadedPlan } from './loading.ts';
import { PAGE_SIZE, type Cursor, type ListQuery } from '#domain/paging.ts';
import { adminPlansPage, buddyTasksOf, findStartablePeople, overseenPlans, type OverseenPlanRow, type StartableMatch } from './overview.ts';
import { namesOf, ownPlans, planHistory, planTasks } from './queries.ts';

export { endPlan, startPlan, START_DATE_WINDOW_DAYS } from './plans.ts';
export { addTask, moveTask, removeTask, updateTask, MOVE_DIRECTIONS, type MoveDirection } from './tasks.ts';
export { setTaskDone, type CheckOffDetails, type ToggledTask } from './check-off.ts';

// --- one plan -----------------------------------------------------------------------------

export type PlanDetail = LoadedPlan & {
  tasks: RampTask[];
  /** The tasks' states, for progress, status and the due lists. */
  states: OwnedTaskState[];
  names: Map<number, string>;
  /** Task ids the actor may check off or uncheck. */
  toggleable: Set<number>;
};

/** A plan with its tasks; 404 when the actor may not see it. */
export async function getPlanDetail(db: Executor, actor: Actor, rawPlanId: string | number | undefined): Promise<Outcome<PlanDetail>> {
  const loaded = await loadPlanFor(db, actor, rawPlanId);
  if (!loaded.ok) return loaded;
  const { plan, access } = loaded.value;
  const tasks = await planTasks(db, plan.id);
  const names = await namesOf(db, [plan.userId, plan.createdBy, plan.endedBy, ...tasks.flatMap((t) => [t.buddyUserId, t.doneBy])]);
  const toggleable = new Set(tasks.filter((t) => canToggleTask(actor, plan, t, access)).map((t) => t.id));
  return ok({ ...loaded.value, tasks, states: taskStates(tasks), names, toggleable });
}

export type PlanHistoryLine = { id: number; at: Date; actorName: string | null; text: string };

export type PlanPage = PlanDetail & {
  /** The actor may edit the plan now: they manage it and it is active. */
  manage: boolean;
  /**
   * The buddy pickers of the add form and of the open edit form (null when
   * none is open): colleagues in the new hire's teams matching each form's
   * search (only for someone who may edit).
   */
  buddies: { add: Picked<PickablePerson>; edit: Picked<PickablePerson> | null } | null;
  /** The plan's history, newest first, in words. */
  history: PlanHistoryLine[];
};

/**
 * A buddy picker's search and the person its form has chosen: a refused
 * form's value, else (for the edit form of `taskId`) the task's buddy.
 */
export type BuddySearch = { q: string | null; chosenId: number | null; taskId?: number | null };

/** The plan page: the plan, its tasks and history, and what the actor may edit; 404 when they may not see it. */
export async function planPage(
  db: Executor,
  actor: Actor,
  rawPlanId: string | undefined,
  catalog: RampCatalog,
  search: { add?: BuddySearch; edit?: BuddySearch } = {},
): Promise<Outcome<PlanPage>> {
  const detail = await getPlanDetail(db, actor, rawPlanId);
  if (!detail.ok) return detail;
  const { plan, access } = detail.value;
  const manage = access.manage && plan.status === 'active';
  const buddies = manage
    ? {
        add: await findBuddies(db, actor, plan.userId, search.add ?? { q: null, chosenId: null }),
        edit: search.edit?.taskId ? await findBuddies(db, actor, plan.userId, editSearch(search.edit, detail.value.tasks)) : null,
      }
    : null;
  const entries = await planHistory(db, plan.id);
  // Buddies named in the history may no longer be on any task: look their names up too.
  const people = await namesOf(
    db,
    entries.flatMap((h) => [h.before?.buddyUserId, h.after?.buddyUserId]).map((v) => (typeof v === 'number' ? v : null)),
  );
  const labels = { people, skills: catalog.skills, kpis: catalog.kpis };
  const history = entries.map((h) => ({
    id: h.id,
    at: h.at,
    actorName: h.actorName,
    text: describeHistory(h.action, h.before ?? null, h.after ?? null, labels),
  }));
  return ok({ ...detail.value, manage, buddies, history });
}

function editSearch(search: BuddySearch, tasks: readonly RampTask[]): BuddySearch {
  if (search.chosenId !== null) return search;
  const task = tasks.find((t) => t.id === search.taskId);
  return { ...search, chosenId: task?.buddyUserId ?? null };
}

/**
 * Colleagues who may be named buddy (in the new hire's teams) matching a
 * name or email prefix, at most PICKER_LIMIT, plus the chosen one. Call only
 * for someone who may edit the plan; the task rules check the choice again.
 */
async function findBuddies(db: Executor, actor: Actor, personId: number, search: BuddySearch): Promise<Picked<PickablePerson>> {
  const rows = await pickPeople(db, actor.orgId, search.q === null ? null : foldAscii(search.q), { teammatesOf: personId }, PICKER_LIMIT);
  const chosen = await pickablePerson(db, actor.orgId, search.chosenId);
  return pickedFrom(search.q, rows, PICKER_LIMIT, chosen);
}

export type PrintableTask = {
  task: RampTask;
  dueDate: IsoDate;
  skillName: string | null;
  kpiName: string | null;
  buddyName: string | null;
};
export type PrintablePlan = PlanDetail & {
  /** Where today falls ('Day 21 of 90'), or how the plan ended. */
  position: string;
  rag: RagStatus;
  overall: Progress;
  phases: { phase: RampPhaseSnapshot; progress: Progress; tasks: PrintableTask[] }[];
};

/** The printable plan: same access as the plan page (404 for anyone who may not see it). */
export async function printablePlan(
  db: Executor,
  actor: Actor,
  rawPlanId: string | undefined,
  today: IsoDate,
  catalog: RampCatalog,
): Promise<Outcome<PrintablePlan>> {
  const detail = await getPlanDetail(db, actor, rawPlanId);
  if (!detail.ok) return detail;
  const { plan, tasks, states, names } = detail.value;
  const progress = phaseProgress(states);
  const phases = plan.phases.map((phase) => ({
    phase,
    progress: progress.find((p) => p.phase.id === phase.id)!,
    tasks: tasks
      .filter((t) => t.phaseId === phase.id)
      .map((task) => ({
        task,
        dueDate: dueDate(plan.startDate, task.dueDay),
        skillName: task.skillId ? (catalog.skills.get(task.skillId) ?? task.skillId) : null,
        kpiName: task.kpiId ? (catalog.kpis.get(task.kpiId) ?? task.kpiId) : null,
        buddyName: task.owner === 'buddy' && task.buddyUserId ? (names.get(task.buddyUserId) ?? null) : null,
      })),
  }));
  const position =
    plan.status === 'active' ? positionLabel(planPosition(plan.startDate, today)) : plan.status === 'completed' ? 'Completed' : 'Closed';
  return ok({ ...detail.value, position, rag: planRag(states, plan.startDate, today), overall: progressOf(states), phases });
}

export type CheckOffAnswer = {
  changed: boolean;
  task: Pick<RampTask, 'id' | 'doneAt' | 'doneBy' | 'note' | 'evidenceUrl'> & { done: boolean };
  progress: Progress;
  phases: ({ id: string } & Progress)[];
  rag: { level: RagLevel; label: RagStatus['label']; reasons: string[] };
};

/**
 * Checks a task off or unchecks it (setTaskDone, same rules) and answers the
 * task's new state with the plan's progress and status, so a client needs no
 * second request.
 */
export async function checkOffTask(...args: Parameters<typeof setTaskDone>): Promise<Outcome<CheckOffAnswer>> {
  const toggled = await setTaskDone(...args);
  if (!toggled.ok) return toggled;
  const [db, ctx] = args;
  const { task, plan, changed } = toggled.value;
  const tasks = taskStates(await planTasks(db, plan.id));
  const rag = planRag(tasks, plan.startDate, ctx.today);
  return ok({
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
}

// --- overviews ------------------------------------------------------------------------------

type Dated = { dueDate: IsoDate; daysFromToday: number };

export type ActivePlanRow = OverseenPlanRow & {
  rag: RagStatus;
  progress: Progress;
  /** 'Day 21 of 90', 'Starts in 3 days'. */
  position: string;
  next: (TaskState & Dated) | null;
};
export type EndedPlanRow = OverseenPlanRow & { progress: Progress };
export type BuddyTaskRow = { planId: number; taskId: number; title: string; personName: string; done: boolean } & Dated;

/** The plans an overseer sees, with status, progress and what is due next: those needing attention first. */
async function activeRows(db: Executor, actor: Actor, today: IsoDate): Promise<ActivePlanRow[]> {
  return withStatus(await overseenPlans(db, actor, 'active'), today).sort(
    (a, b) => RAG_ORDER[a.rag.level] - RAG_ORDER[b.rag.level] || a.plan.startDate.localeCompare(b.plan.startDate),
  );
}

function withStatus(rows: OverseenPlanRow[], today: IsoDate): ActivePlanRow[] {
  return rows.map((row) => {
    const next = nextDueTask(row.tasks);
    const due = next ? dueDate(row.plan.startDate, next.dueDay) : null;
    return {
      ...row,
      rag: planRag(row.tasks, row.plan.startDate, today),
      progress: progressOf(row.tasks),
      position: positionLabel(planPosition(row.plan.startDate, today)),
      next: next && due ? { ...next, dueDate: due, daysFromToday: daysBetween(today, due) } : null,
    };
  });
}

export type RampHome = {
  /** The actor's own plans: the active one first, then finished ones, newest first. */
  own: RampPlan[];
  /** The first of them with its tasks, as the plan page reads it. */
  detail: PlanDetail | null;
  /** Tasks on colleagues' plans that name the actor as buddy. */
  buddyTasks: BuddyTaskRow[];
  /** Managers and admins: the plans they oversee and whom they may start one for; null for everyone else. */
  overview: {
    active: ActivePlanRow[];
    ended: EndedPlanRow[];
    /** The picker's choices for the search `hire` (at most PICKER_LIMIT); `more` when a search would find others. */
    startable: Picked<StartableMatch>;
    /** Admins: the active plans are a page of the organisation's, by name; null for a manager's one list. */
    paging: { q: string | null; next: Cursor | null; previous: Cursor | null } | null;
  } | null;
};

/** How many people the start-a-plan picker (and every person picker) offers at once. */
export { PICKER_LIMIT };

/**
 * The ramp page: for everyone their own plan and the tasks they are buddy
 * for; for managers and admins also the overview of the plans they oversee.
 */
export async function rampHome(
  db: Executor,
  actor: Actor,
  today: IsoDate,
  options: { hire?: string | null; plans?: ListQuery; chosenHire?: number | null } = {},
): Promise<Outcome<RampHome>> {
  const own = await ownPlans(db, actor.id);
  const current = own[0] ? await getPlanDetail(db, actor, own[0].id) : null;
  const buddyTasks = (await buddyTasksOf(db, actor))
    .filter((b) => b.plan.userId !== actor.id)
    .map((b) => {
      const due = dueDate(b.plan.startDate, b.task.dueDay);
      return {
        planId: b.plan.id,
        taskId: b.task.id,
        title: b.task.title,
        personName: b.personName,
        done: b.task.doneAt !== null,
        dueDate: due,
        daysFromToday: daysBetween(today, due),
      };
    });
  let overview: RampHome['overview'] = null;
  if (canOverseeTeams(actor)) {
    const list = options.plans ?? { q: null, page: { cursor: null, direction: 'after' as const, limit: PAGE_SIZE } };
    const activePage = await adminPlansPage(db, actor, 'active', list.q, list.page);
    const active = activePage ? withStatus(activePage.items, today) : await activeRows(db, actor, today);
    const endedPage = await adminPlansPage(db, actor, 'ended', list.q, { cursor: null, direction: 'after', limit: PAGE_SIZE });
    const ended = (endedPage ? endedPage.items : await overseenPlans(db, actor, 'ended'))
      .sort((a, b) => (b.plan.endedAt?.getTime() ?? 0) - (a.plan.endedAt?.getTime() ?? 0))
      .map((row) => ({ ...row, progress: progressOf(row.tasks) }));
    const paging = activePage ? { q: list.q, next: activePage.next, previous: activePage.previous } : null;
    const startable = await findStartablePeople(db, actor, options.hire ?? null, PICKER_LIMIT, options.chosenHire ?? null);
    overview = { active, ended, startable, paging };
  }
  return ok({ own, detail: current?.ok ? current.value : null, buddyTasks, overview });
}

export type RampSummary = {
  /** The actor's own active plan. */
  own: { plan: RampPlan; position: string; rag: RagStatus; progress: Progress; next: (TaskState & Dated) | null } | null;
  /** Managers and admins: how the plans they oversee stand (the first five need attention most); null for everyone else. */
  overseen: {
    total: number;
    counts: Record<RagLevel, number>;
    top: { planId: number; personName: string; rag: RagStatus; percent: number }[];
  } | null;
};

/** The dashboard card: the actor's own active plan, and for overseers how their plans stand. */
export async function rampSummary(db: Executor, actor: Actor, today: IsoDate): Promise<Outcome<RampSummary>> {
  const [plan] = (await ownPlans(db, actor.id)).filter((p) => p.status === 'active');
  let own: RampSummary['own'] = null;
  if (plan) {
    const tasks = taskStates(await planTasks(db, plan.id));
    const next = nextDueTask(tasks);
    const due = next ? dueDate(plan.startDate, next.dueDay) : null;
    own = {
      plan,
      position: positionLabel(planPosition(plan.startDate, today)),
      rag: planRag(tasks, plan.startDate, today),
      progress: progressOf(tasks),
      next: next && due ? { ...next, dueDate: due, daysFromToday: daysBetween(today, due) } : null,
    };
  }
  let overseen: RampSummary['overseen'] = null;
  if (canOverseeTeams(actor)) {
    // Only what the card shows: an admin's dashboard reads every active plan of the organisation.
    const rows = (await overseenPlans(db, actor, 'active'))
      .map((row) => ({ row, rag: planRag(row.tasks, row.plan.startDate, today) }))
      .sort((a, b) => RAG_ORDER[a.rag.level] - RAG_ORDER[b.rag.level] || a.row.plan.startDate.localeCompare(b.row.plan.startDate));
    const counts = { red: 0, amber: 0, green: 0 };
    for (const { rag } of rows) counts[rag.level] += 1;
    const top = rows
      .slice(0, 5)
      .map(({ row, rag }) => ({ planId: row.plan.id, personName: row.person.displayName, rag, percent: progressOf(row.tasks).percent }));
    overseen = { total: rows.length, counts, top };
  }
  return ok({ own, overseen });
}
