// 90-day ramp plans: data access and the actions people take on plans.
//
// Who may do what (checked here, inside each action's transaction, after
// loading the records involved; the pages and the JSON endpoint only call in):
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
// in the same transaction as the change.
import { and, asc, desc, eq, inArray, isNotNull, isNull, max, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { findTemplate, type RampCatalog, type RampTemplate } from '#catalog/catalogs.ts';
import { phaseForDay, type HistoryAction, type TaskState } from '#domain/ramp.ts';
import {
  canEditUser,
  canOverseeTeams,
  canToggleTask,
  isAdmin,
  managesPerson,
  planAccess,
  type Actor,
  type PlanAccess,
  type TeamContext,
} from '#domain/access.ts';
import { auditIfChanged, writeAudit, type AuditAction, type AuditEvent } from '#server/audit/index.ts';
import type { Db, Executor } from './db/client.ts';
import { readInSlices } from './db/chunks.ts';
import {
  RAMP_TASK_OWNERS,
  rampPlanHistory,
  rampPlans,
  rampTasks,
  teamMemberships,
  users,
  type RampPhaseSnapshot,
  type RampPlan,
  type RampTask,
  type User,
} from './db/schema.ts';
import { parseInput } from './outcome.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import { addDays, daysBetween, isIsoDate } from '#domain/calendar.ts';
import { type ActionContext } from '#server/request/context.ts';
import { forbidden, invalid, notFound, ok, type FieldErrors, type Outcome } from './outcome.ts';
import { parseId, type FormValues } from '#domain/fields.ts';

// --- access ------------------------------------------------------------------------

// --- loading --------------------------------------------------------------------------

const NO_TEAMS: TeamContext = { teams: [], memberships: [] };

type LoadedPlan = { plan: RampPlan; person: User; access: PlanAccess; teamContext: TeamContext };

async function isBuddyOnPlan(db: Executor, planId: number, userId: number) {
  const [row] = await db
    .select({ id: rampTasks.id })
    .from(rampTasks)
    .where(and(eq(rampTasks.planId, planId), eq(rampTasks.buddyUserId, userId)))
    .limit(1);
  return row !== undefined;
}

/** Loads a plan the actor may see: 404 for a malformed id, another organisation or no access. */
async function loadPlanFor(db: Executor, actor: Actor, rawPlanId: string | number | undefined): Promise<Outcome<LoadedPlan>> {
  const id = typeof rawPlanId === 'number' ? rawPlanId : parseId(rawPlanId);
  if (id === null) return notFound();
  const [row] = await db
    .select({ plan: rampPlans, person: users })
    .from(rampPlans)
    .innerJoin(users, eq(users.id, rampPlans.userId))
    .where(eq(rampPlans.id, id))
    .limit(1);
  if (!row) return notFound();
  return accessTo(db, actor, row.plan, row.person, false);
}

/** Applies the access rules to a loaded plan: 404 unless the actor may see it. */
async function accessTo(db: Executor, actor: Actor, plan: RampPlan, person: User, knownBuddy: boolean): Promise<Outcome<LoadedPlan>> {
  if (!actor.active || plan.orgId !== actor.orgId) return notFound();
  // Only a manager's rights depend on teams; members and admins skip those two
  // queries (this runs on every check-off, the busiest write).
  const teamContext = actor.role === 'manager' ? await loadTeamContext(db, actor) : NO_TEAMS;
  const mayAlreadyView = knownBuddy || actor.id === plan.userId || isAdmin(actor) || managesPerson(actor, plan.userId, teamContext);
  const buddy = knownBuddy || (!mayAlreadyView && (await isBuddyOnPlan(db, plan.id, actor.id)));
  const access = planAccess(actor, plan, person, teamContext, buddy);
  if (!access.view) return notFound();
  return ok({ plan, person, access, teamContext });
}

const closedPlan = (plan: RampPlan): Outcome<never> => invalid({}, `This plan is ${plan.status} and can no longer be changed.`, 409);

/** A plan the actor may edit and that is still active. */
async function editablePlan(tx: Executor, actor: Actor, rawPlanId: string | number | undefined): Promise<Outcome<LoadedPlan>> {
  const loaded = await loadPlanFor(tx, actor, rawPlanId);
  if (!loaded.ok) return loaded;
  if (!loaded.value.access.manage) return forbidden();
  if (loaded.value.plan.status !== 'active') return closedPlan(loaded.value.plan);
  return loaded;
}

async function taskOfPlan(tx: Executor, planId: number, rawTaskId: string | number | undefined): Promise<RampTask | undefined> {
  const id = typeof rawTaskId === 'number' ? rawTaskId : parseId(rawTaskId);
  if (id === null) return undefined;
  const [task] = await tx
    .select()
    .from(rampTasks)
    .where(and(eq(rampTasks.id, id), eq(rampTasks.planId, planId)))
    .limit(1);
  return task;
}

/** Tasks of a plan in display order: phase, then position. */
export async function planTasks(db: Executor, planId: number): Promise<RampTask[]> {
  return db
    .select()
    .from(rampTasks)
    .where(eq(rampTasks.planId, planId))
    .orderBy(asc(rampTasks.phaseId), asc(rampTasks.position), asc(rampTasks.id));
}

export const taskStates = (tasks: readonly RampTask[]): (TaskState & { owner: RampTask['owner'] })[] =>
  tasks.map((t) => ({ id: t.id, title: t.title, dueDay: t.dueDay, done: t.doneAt !== null, position: t.position, owner: t.owner }));

/** Active colleagues who may be named buddy: people in the new hire's teams, other than the new hire. */
export async function buddyCandidates(db: Executor, personId: number) {
  const teamsOfPerson = db.select({ teamId: teamMemberships.teamId }).from(teamMemberships).where(eq(teamMemberships.userId, personId));
  return db
    .selectDistinct({ id: users.id, displayName: users.displayName })
    .from(teamMemberships)
    .innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(and(inArray(teamMemberships.teamId, teamsOfPerson), ne(users.id, personId), eq(users.active, true)))
    .orderBy(asc(users.displayName));
}

/** Display names for a set of user ids (history actors, buddies, who checked a task off). */
export async function namesOf(db: Executor, ids: Iterable<number | null | undefined>): Promise<Map<number, string>> {
  const wanted = [...new Set([...ids].filter((id): id is number => typeof id === 'number'))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

// --- history and audit -------------------------------------------------------------------

const AUDIT_ACTION: Record<HistoryAction, AuditAction> = {
  'plan.started': 'ramp.plan_started',
  'plan.completed': 'ramp.plan_completed',
  'plan.closed': 'ramp.plan_closed',
  'task.added': 'ramp.task_added',
  'task.updated': 'ramp.task_updated',
  'task.moved': 'ramp.task_moved',
  'task.removed': 'ramp.task_removed',
  'task.done': 'ramp.task_done',
  'task.undone': 'ramp.task_undone',
};

export type ChangeRecord = {
  plan: Pick<RampPlan, 'id' | 'orgId'>;
  action: HistoryAction;
  taskId?: number | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  actorUserId: number | null;
  ip?: string | null;
  at: Date;
};

/** The plan-history row and the audit event of a change. */
function changeRows(change: ChangeRecord) {
  const taskId = change.taskId ?? null;
  const history = {
    planId: change.plan.id,
    taskId,
    actorUserId: change.actorUserId,
    action: change.action,
    before: change.before ?? null,
    after: change.after ?? null,
    at: change.at,
  };
  const audit: AuditEvent = {
    orgId: change.plan.orgId,
    actorUserId: change.actorUserId,
    action: AUDIT_ACTION[change.action],
    target: { type: 'ramp_plan', id: change.plan.id },
    before: change.before ? { ...(taskId ? { taskId } : {}), ...change.before } : null,
    after: change.after ? { ...(taskId ? { taskId } : {}), ...change.after } : taskId ? { taskId } : null,
    ip: change.ip ?? null,
    at: change.at,
  };
  return { history, audit };
}

/** Writes the plan's history row and the audit row; call with the transaction of the change. */
export async function recordChange(tx: Executor, change: ChangeRecord): Promise<void> {
  const { history, audit } = changeRows(change);
  await tx.insert(rampPlanHistory).values(history);
  await writeAudit(tx, audit);
}

const fromCtx = (ctx: ActionContext) => ({ actorUserId: ctx.actor.id, ip: ctx.ip, at: ctx.now });

/** The task fields the history keeps (everything but the bookkeeping columns). */
export function taskSnapshot(task: RampTask) {
  return {
    title: task.title,
    detail: task.detail,
    owner: task.owner,
    buddyUserId: task.buddyUserId,
    dueDay: task.dueDay,
    skillId: task.skillId,
    kpiId: task.kpiId,
  };
}

async function touchPlan(tx: Executor, planId: number, at: Date) {
  await tx.update(rampPlans).set({ updatedAt: at }).where(eq(rampPlans.id, planId));
}

// --- creating plans -------------------------------------------------------------------------

export type NewPlan = {
  orgId: number;
  userId: number;
  template: RampTemplate;
  startDate: string;
  createdBy: number;
  at: Date;
  ip?: string | null;
};

/**
 * Inserts a plan and a copy of the template's tasks, with its history and
 * audit rows. No checks: callers authorize and validate first (startPlan, the
 * demo seed). Run inside a transaction.
 */
export async function createPlanFromTemplate(tx: Executor, input: NewPlan): Promise<{ plan: RampPlan; tasks: RampTask[] }> {
  const phases: RampPhaseSnapshot[] = input.template.phases.map((p) => ({
    id: p.id,
    title: p.title,
    startDay: p.startDay,
    endDay: p.endDay,
    goals: [...p.goals],
  }));
  const [plan] = await tx
    .insert(rampPlans)
    .values({
      orgId: input.orgId,
      userId: input.userId,
      templateRole: input.template.role,
      title: input.template.title,
      phases,
      startDate: input.startDate,
      status: 'active',
      createdBy: input.createdBy,
      createdAt: input.at,
      updatedAt: input.at,
    })
    .returning();
  const rows = input.template.phases.flatMap((phase) => phase.tasks.map((task) => ({ phase, task })));
  const tasks = rows.length
    ? await tx
        .insert(rampTasks)
        .values(
          rows.map(({ task }, index) => ({
            planId: plan!.id,
            // Derived from the due day, so a template whose task sits outside its
            // phase still lands where its date says.
            phaseId: phaseForDay(task.dueDay),
            templateTaskId: task.id,
            title: task.title,
            detail: task.detail ?? null,
            owner: task.owner,
            dueDay: task.dueDay,
            position: (index + 1) * 10,
            skillId: task.skill ?? null,
            kpiId: task.kpi ?? null,
            createdAt: input.at,
            updatedAt: input.at,
          })),
        )
        .returning()
    : [];
  await recordChange(tx, {
    plan: plan!,
    action: 'plan.started',
    after: { personId: input.userId, templateRole: input.template.role, startDate: input.startDate, taskCount: tasks.length },
    actorUserId: input.createdBy,
    ip: input.ip ?? null,
    at: input.at,
  });
  return { plan: plan!, tasks };
}

/** How far from today a plan may start: a year either way (later starts are typos; earlier ones are long over). */
export const START_DATE_WINDOW_DAYS = 365;

const startDateField = (today: string) =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      if (value === '') return;
      if (!isIsoDate(value)) {
        ctx.addIssue({ code: 'custom', message: 'Enter a real date as YYYY-MM-DD.' });
        return;
      }
      if (Math.abs(daysBetween(today, value)) > START_DATE_WINDOW_DAYS) {
        ctx.addIssue({
          code: 'custom',
          message: `Choose a start date between ${addDays(today, -START_DATE_WINDOW_DAYS)} and ${addDays(today, START_DATE_WINDOW_DAYS)}.`,
        });
      }
    });

const startSchema = (today: string) =>
  z.object({
    personId: z.string({ error: 'Choose the person the plan is for.' }).trim().min(1, { error: 'Choose the person the plan is for.' }),
    templateRole: z.string().trim().optional().default(''),
    startDate: startDateField(today).optional().default(''),
  });

/**
 * Starts a plan for a person from a template. Form fields: personId,
 * templateRole ('' = the person's job role), startDate ('' = the start date
 * on the person's profile). A person someone may not see answers 404, one they
 * see but may not manage 403; all field problems are reported together.
 */
export async function startPlan(db: Db, ctx: ActionContext, form: FormValues, catalog: RampCatalog): Promise<Outcome<RampPlan>> {
  const { actor } = ctx;
  if (!canOverseeTeams(actor)) return forbidden();
  const today = ctx.today;
  const parsed = parseInput(startSchema(today), form);
  const errors: FieldErrors = !parsed.ok && 'fieldErrors' in parsed ? { ...parsed.fieldErrors } : {};
  const rawPersonId = parsed.ok ? parsed.value.personId : (form.personId ?? '').trim();
  try {
    return await db.transaction(async (tx) => {
      let person: User | undefined;
      if (rawPersonId !== '') {
        const personId = parseId(rawPersonId);
        [person] = personId === null ? [] : await tx.select().from(users).where(eq(users.id, personId)).limit(1);
        const teamContext = await loadTeamContext(tx, actor);
        if (!person || person.orgId !== actor.orgId) return notFound();
        const mayView = isAdmin(actor) || managesPerson(actor, person.id, teamContext) || person.id === actor.id;
        if (!mayView) return notFound();
        if (person.id === actor.id) return forbidden('You cannot start a plan for yourself.');
        if (!canEditUser(actor, person, teamContext)) return forbidden('You can start plans only for members of the teams you manage.');
        if (!person.active) errors.personId ??= `${person.displayName} is deactivated.`;
      }
      const templateRole = (form.templateRole ?? '').trim() || person?.jobRole || '';
      const template = findTemplate(catalog, templateRole);
      if (!template) {
        errors.templateRole ??=
          (form.templateRole ?? '').trim() === '' && person
            ? `${person.displayName} has no job role with a template: choose a template.`
            : 'Choose a template from the list.';
      }
      const startDate = (form.startDate ?? '').trim() || person?.startDate || '';
      if (!errors.startDate && person && startDate === '') {
        errors.startDate = `${person.displayName} has no start date on their profile: enter one.`;
      }
      let conflict = false;
      if (person && !errors.personId) {
        const [active] = await tx
          .select({ id: rampPlans.id })
          .from(rampPlans)
          .where(and(eq(rampPlans.userId, person.id), eq(rampPlans.status, 'active')))
          .limit(1);
        if (active) {
          errors.personId = `${person.displayName} already has an active plan: complete or close it first.`;
          conflict = true;
        }
      }
      if (Object.keys(errors).length > 0 || !person || !template) return invalid(errors, undefined, conflict ? 409 : 400);
      // A start date from the profile passes the same checks as a typed one.
      const dateCheck = startDateField(today).safeParse(startDate);
      if (!dateCheck.success) return invalid({ startDate: dateCheck.error.issues[0]!.message });
      const { plan } = await createPlanFromTemplate(tx, {
        orgId: actor.orgId,
        userId: person.id,
        template,
        startDate,
        createdBy: actor.id,
        at: ctx.now,
        ip: ctx.ip,
      });
      return ok(plan);
    });
  } catch (error) {
    // Two managers starting a plan for the same person at once: the partial unique index decides.
    if (String((error as { code?: string }).code ?? error).includes('SQLITE_CONSTRAINT')) {
      return invalid({ personId: 'This person already has an active plan: complete or close it first.' }, undefined, 409);
    }
    throw error;
  }
}

// --- editing tasks ---------------------------------------------------------------------------

const OWNER_ERROR = 'Choose who owns this task: the new hire, the manager or a buddy.';

const optionalText = (maxLength: number, label: string) =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .pipe(z.string().max(maxLength, { error: `Use at most ${maxLength} characters for the ${label}.` }))
    .transform((v) => (v === '' ? null : v));

const fromList = (ids: ReadonlyMap<string, string>, message: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const id = v?.trim() ?? '';
      if (id === '') return null;
      if (!ids.has(id)) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return id;
    });

const taskSchema = (catalog: RampCatalog, buddies: ReadonlySet<number>) =>
  z
    .object({
      title: z
        .string({ error: 'Enter a task title.' })
        .trim()
        .min(1, { error: 'Enter a task title.' })
        .max(200, { error: 'Use at most 200 characters for the title.' }),
      detail: optionalText(1000, 'details'),
      owner: z.enum(RAMP_TASK_OWNERS, { error: OWNER_ERROR }),
      buddyUserId: z.string().optional(),
      dueDay: z
        .string({ error: 'Enter the day the task is due, from 1 to 90.' })
        .trim()
        .min(1, { error: 'Enter the day the task is due, from 1 to 90.' })
        .regex(/^\d{1,3}$/, { error: 'Enter a whole number of days from 1 to 90.' })
        .transform(Number)
        .refine((d) => d >= 1 && d <= 90, { error: 'The plan has 90 days: enter a due day from 1 to 90.' }),
      skillId: fromList(catalog.skills, 'Choose a skill from the list.'),
      kpiId: fromList(catalog.kpis, 'Choose a KPI from the list.'),
    })
    .transform((v, ctx) => {
      const raw = v.buddyUserId?.trim() ?? '';
      let buddyUserId: number | null = null;
      // A buddy is only kept on buddy tasks; for other owners the field is ignored.
      if (v.owner === 'buddy' && raw !== '') {
        const id = parseId(raw);
        if (id === null || !buddies.has(id)) {
          ctx.addIssue({ code: 'custom', path: ['buddyUserId'], message: 'Choose a buddy from the list: someone in the new hire’s team.' });
          return z.NEVER;
        }
        buddyUserId = id;
      }
      return { ...v, buddyUserId };
    });

async function parseTask(tx: Executor, plan: RampPlan, form: FormValues, catalog: RampCatalog) {
  const buddies = new Set((await buddyCandidates(tx, plan.userId)).map((b) => b.id));
  return parseInput(taskSchema(catalog, buddies), form);
}

async function nextPosition(tx: Executor, planId: number): Promise<number> {
  const [row] = await tx
    .select({ top: max(rampTasks.position) })
    .from(rampTasks)
    .where(eq(rampTasks.planId, planId));
  return (row?.top ?? 0) + 10;
}

/** Adds a task to a plan (fields as in taskSchema); it goes to the end of its due day's phase. */
export async function addTask(
  db: Db,
  ctx: ActionContext,
  rawPlanId: string | number | undefined,
  form: FormValues,
  catalog: RampCatalog,
): Promise<Outcome<RampTask>> {
  return db.transaction(async (tx) => {
    const loaded = await editablePlan(tx, ctx.actor, rawPlanId);
    if (!loaded.ok) return loaded;
    const { plan } = loaded.value;
    const parsed = await parseTask(tx, plan, form, catalog);
    if (!parsed.ok) return parsed;
    const v = parsed.value;
    const [task] = await tx
      .insert(rampTasks)
      .values({
        planId: plan.id,
        phaseId: phaseForDay(v.dueDay),
        title: v.title,
        detail: v.detail,
        owner: v.owner,
        buddyUserId: v.buddyUserId,
        dueDay: v.dueDay,
        position: await nextPosition(tx, plan.id),
        skillId: v.skillId,
        kpiId: v.kpiId,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await recordChange(tx, { plan, action: 'task.added', taskId: task!.id, after: taskSnapshot(task!), ...fromCtx(ctx) });
    await touchPlan(tx, plan.id, ctx.now);
    return ok(task!);
  });
}

/** Changes a task's fields; moving its due day into another phase puts it at the end of that phase. */
export async function updateTask(
  db: Db,
  ctx: ActionContext,
  rawPlanId: string | number | undefined,
  rawTaskId: string | number | undefined,
  form: FormValues,
  catalog: RampCatalog,
): Promise<Outcome<RampTask>> {
  return db.transaction(async (tx) => {
    const loaded = await editablePlan(tx, ctx.actor, rawPlanId);
    if (!loaded.ok) return loaded;
    const { plan } = loaded.value;
    const task = await taskOfPlan(tx, plan.id, rawTaskId);
    if (!task) return notFound();
    const parsed = await parseTask(tx, plan, form, catalog);
    if (!parsed.ok) return parsed;
    const before = taskSnapshot(task);
    const after = { ...parsed.value };
    const changed = (Object.keys(before) as (keyof typeof before)[]).filter((k) => before[k] !== after[k]);
    if (changed.length === 0) return ok(task);
    const phaseId = phaseForDay(after.dueDay);
    const [updated] = await tx
      .update(rampTasks)
      .set({
        ...after,
        phaseId,
        ...(phaseId !== task.phaseId ? { position: await nextPosition(tx, plan.id) } : {}),
        updatedAt: ctx.now,
      })
      .where(eq(rampTasks.id, task.id))
      .returning();
    await recordChange(tx, {
      plan,
      action: 'task.updated',
      taskId: task.id,
      // The title always travels with "before", so the history can name the task.
      before: { title: task.title, ...Object.fromEntries(changed.map((k) => [k, before[k]])) },
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
      ...fromCtx(ctx),
    });
    await touchPlan(tx, plan.id, ctx.now);
    return ok(updated!);
  });
}

export const MOVE_DIRECTIONS = ['up', 'down'] as const;
export type MoveDirection = (typeof MOVE_DIRECTIONS)[number];

/** Swaps a task with its neighbour in the same phase; at either end it changes nothing. */
export async function moveTask(
  db: Db,
  ctx: ActionContext,
  rawPlanId: string | number | undefined,
  rawTaskId: string | number | undefined,
  direction: string | undefined,
): Promise<Outcome<RampTask>> {
  return db.transaction(async (tx) => {
    const loaded = await editablePlan(tx, ctx.actor, rawPlanId);
    if (!loaded.ok) return loaded;
    const { plan } = loaded.value;
    const task = await taskOfPlan(tx, plan.id, rawTaskId);
    if (!task) return notFound();
    if (direction !== 'up' && direction !== 'down') return invalid({ direction: 'Move a task up or down.' });
    const siblings = await tx
      .select()
      .from(rampTasks)
      .where(and(eq(rampTasks.planId, plan.id), eq(rampTasks.phaseId, task.phaseId)))
      .orderBy(asc(rampTasks.position), asc(rampTasks.id));
    const index = siblings.findIndex((t) => t.id === task.id);
    const target = direction === 'up' ? index - 1 : index + 1;
    if (target < 0 || target >= siblings.length) return ok(task);
    // Reuse the phase's own position values in the new order, so equal or
    // gapped positions (older data, concurrent adds) still end up strictly ordered.
    const slots = siblings.map((t) => t.position).sort((a, b) => a - b);
    const reordered = [...siblings];
    [reordered[index], reordered[target]] = [reordered[target]!, reordered[index]!];
    const distinct = new Set(slots).size === slots.length;
    for (const [i, t] of reordered.entries()) {
      const position = distinct ? slots[i]! : slots[0]! + i;
      if (position !== t.position) {
        await tx.update(rampTasks).set({ position, updatedAt: ctx.now }).where(eq(rampTasks.id, t.id));
      }
    }
    await recordChange(tx, {
      plan,
      action: 'task.moved',
      taskId: task.id,
      before: { title: task.title, index },
      after: { title: task.title, direction, index: target },
      ...fromCtx(ctx),
    });
    await touchPlan(tx, plan.id, ctx.now);
    const [moved] = await tx.select().from(rampTasks).where(eq(rampTasks.id, task.id));
    return ok(moved!);
  });
}

/** Removes a task; its last state stays in the plan's history. */
export async function removeTask(
  db: Db,
  ctx: ActionContext,
  rawPlanId: string | number | undefined,
  rawTaskId: string | number | undefined,
): Promise<Outcome<RampTask>> {
  return db.transaction(async (tx) => {
    const loaded = await editablePlan(tx, ctx.actor, rawPlanId);
    if (!loaded.ok) return loaded;
    const { plan } = loaded.value;
    const task = await taskOfPlan(tx, plan.id, rawTaskId);
    if (!task) return notFound();
    await tx.delete(rampTasks).where(eq(rampTasks.id, task.id));
    await recordChange(tx, {
      plan,
      action: 'task.removed',
      taskId: task.id,
      before: { ...taskSnapshot(task), done: task.doneAt !== null },
      ...fromCtx(ctx),
    });
    await touchPlan(tx, plan.id, ctx.now);
    return ok(task);
  });
}

// --- checking tasks off ----------------------------------------------------------------------

export const checkOffSchema = z.object({
  note: optionalText(500, 'note'),
  evidenceUrl: z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .pipe(
      z.union([
        z.literal(''),
        z
          .string()
          .max(500, { error: 'Use at most 500 characters for the link.' })
          // Only web links: a javascript: or data: URL would run when clicked.
          .pipe(z.url({ protocol: /^https?$/, error: 'Enter a web link starting with https:// or http://.' })),
      ]),
    )
    .transform((v) => (v === '' ? null : v)),
});

export type CheckOffDetails = {
  note?: string | undefined;
  evidenceUrl?: string | undefined;
  /** The plan the task must be on (a plan page's form): a task of another plan is "not found" there. */
  onPlan?: string | number | undefined;
};
export type ToggledTask = { task: RampTask; plan: RampPlan; planId: number; changed: boolean };

/**
 * Checks a task off (done = true, with an optional note and evidence link) or
 * unchecks it (done = false: clears who, when, note and link; the history
 * keeps them). The owner of the task may do this, or whoever may edit the plan.
 * Setting the state a task already has changes nothing and records nothing.
 * This is the function the benchmark calls (and POST /app/ramp/tasks/<id>/done).
 * It keeps its write transaction short (one joined read, no team queries for the
 * new hire or an admin) and leaves the plan row alone: the task row carries
 * its own updated_at.
 */
export async function setTaskDone(
  db: Db,
  ctx: ActionContext,
  rawTaskId: string | number | undefined,
  done: boolean,
  details: CheckOffDetails = {},
): Promise<Outcome<ToggledTask>> {
  const parsed = parseInput(checkOffSchema, {
    ...(details.note !== undefined ? { note: details.note } : {}),
    ...(details.evidenceUrl !== undefined ? { evidenceUrl: details.evidenceUrl } : {}),
  });
  const id = typeof rawTaskId === 'number' ? rawTaskId : parseId(rawTaskId);
  if (id === null) return notFound();
  // The busiest write. It reads and checks without the write lock, then writes
  // in one batch (one short transaction, no waiting on the event loop inside
  // it) that applies only while the task and its plan are as read; otherwise
  // it reads again. A transaction spanning the reads held the lock across
  // several awaits, and with several web processes the others queued behind it.
  for (let attempt = 1; ; attempt++) {
    // The task, its plan and the new hire in one query.
    const [row] = await db
      .select({ task: rampTasks, plan: rampPlans, person: users })
      .from(rampTasks)
      .innerJoin(rampPlans, eq(rampPlans.id, rampTasks.planId))
      .innerJoin(users, eq(users.id, rampPlans.userId))
      .where(eq(rampTasks.id, id))
      .limit(1);
    if (!row) return notFound();
    if (details.onPlan !== undefined && row.task.planId !== parseId(details.onPlan)) return notFound();
    const { task } = row;
    const loaded = await accessTo(db, ctx.actor, row.plan, row.person, task.buddyUserId !== null && task.buddyUserId === ctx.actor.id);
    if (!loaded.ok) return loaded;
    const { plan, access } = loaded.value;
    if (plan.status !== 'active') return closedPlan(plan);
    if (!canToggleTask(ctx.actor, plan, task, access)) {
      return forbidden(
        task.owner === 'manager'
          ? 'Only the manager checks off manager tasks.'
          : task.owner === 'buddy'
            ? 'Only the buddy named on this task, or the manager, checks it off.'
            : 'Only the new hire, or their manager, checks off this task.',
      );
    }
    if (!parsed.ok) return parsed;
    if ((task.doneAt !== null) === done) return ok({ task, plan, planId: plan.id, changed: false });
    const values = done
      ? { doneAt: ctx.now, doneBy: ctx.actor.id, note: parsed.value.note, evidenceUrl: parsed.value.evidenceUrl }
      : { doneAt: null, doneBy: null, note: null, evidenceUrl: null };
    const { history, audit } = changeRows({
      plan,
      action: done ? 'task.done' : 'task.undone',
      taskId: task.id,
      before: { title: task.title, done: task.doneAt !== null, note: task.note, evidenceUrl: task.evidenceUrl },
      after: { title: task.title, done, note: values.note, evidenceUrl: values.evidenceUrl },
      ...fromCtx(ctx),
    });
    const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
    const [updatedRows] = await db.batch([
      db
        .update(rampTasks)
        .set({ ...values, updatedAt: ctx.now })
        .where(
          and(
            eq(rampTasks.id, task.id),
            eq(rampTasks.updatedAt, task.updatedAt),
            task.doneAt === null ? isNull(rampTasks.doneAt) : isNotNull(rampTasks.doneAt),
            sql`exists (select 1 from ${rampPlans} where ${rampPlans.id} = ${plan.id} and ${rampPlans.status} = 'active')`,
          ),
        )
        .returning(),
      // changes() is the rows the statement before changed: history only if the update applied, the audit row only if history was written.
      db.run(sql`insert into ${rampPlanHistory} (plan_id, task_id, actor_user_id, action, before, after, at)
        select ${history.planId}, ${history.taskId}, ${history.actorUserId}, ${history.action}, ${json(history.before)}, ${json(history.after)}, ${history.at.getTime()}
        where changes() = 1`),
      db.run(auditIfChanged(audit)),
    ]);
    const updated = updatedRows[0];
    if (updated) return ok({ task: updated, plan, planId: plan.id, changed: true });
    // Someone changed the task or ended the plan between the read and the write.
    if (attempt >= 3) return invalid({}, 'This task changed while you were saving it. Reload the plan and try again.', 409);
  }
}

// --- ending plans ----------------------------------------------------------------------------

/** Completes (the hire finished their 90 days) or closes (stopped early, e.g. they left) an active plan. */
export async function endPlan(
  db: Db,
  ctx: ActionContext,
  rawPlanId: string | number | undefined,
  status: string | undefined,
): Promise<Outcome<RampPlan>> {
  return db.transaction(async (tx) => {
    const loaded = await editablePlan(tx, ctx.actor, rawPlanId);
    if (!loaded.ok) return loaded;
    if (status !== 'completed' && status !== 'closed') return invalid({ status: 'Choose to complete or close the plan.' });
    const { plan } = loaded.value;
    const [updated] = await tx
      .update(rampPlans)
      .set({ status, endedAt: ctx.now, endedBy: ctx.actor.id, updatedAt: ctx.now })
      .where(eq(rampPlans.id, plan.id))
      .returning();
    await recordChange(tx, {
      plan,
      action: status === 'completed' ? 'plan.completed' : 'plan.closed',
      before: { status: plan.status },
      after: { status },
      ...fromCtx(ctx),
    });
    return ok(updated!);
  });
}

// --- reading ---------------------------------------------------------------------------------

export type PlanDetail = LoadedPlan & {
  tasks: RampTask[];
  names: Map<number, string>;
  /** Task ids the actor may check off or uncheck. */
  toggleable: Set<number>;
};

/** A plan with its tasks for the plan page; 404 when the actor may not see it. */
export async function getPlanDetail(db: Executor, actor: Actor, rawPlanId: string | number | undefined): Promise<Outcome<PlanDetail>> {
  const loaded = await loadPlanFor(db, actor, rawPlanId);
  if (!loaded.ok) return loaded;
  const { plan, access } = loaded.value;
  const tasks = await planTasks(db, plan.id);
  const names = await namesOf(db, [plan.userId, plan.createdBy, plan.endedBy, ...tasks.flatMap((t) => [t.buddyUserId, t.doneBy])]);
  const toggleable = new Set(tasks.filter((t) => canToggleTask(actor, plan, t, access)).map((t) => t.id));
  return ok({ ...loaded.value, tasks, names, toggleable });
}

/** The plan's history, newest first, with who did it. Call only after getPlanDetail allowed the actor in. */
export async function planHistory(db: Executor, planId: number, limit = 200) {
  const rows = await db
    .select({ entry: rampPlanHistory, actorName: users.displayName })
    .from(rampPlanHistory)
    .leftJoin(users, eq(users.id, rampPlanHistory.actorUserId))
    .where(eq(rampPlanHistory.planId, planId))
    .orderBy(desc(rampPlanHistory.at), desc(rampPlanHistory.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.entry, actorName: r.actorName }));
}

/** The person's own plans: the active one first, then finished ones, newest first. */
export async function ownPlans(db: Executor, userId: number): Promise<RampPlan[]> {
  return db
    .select()
    .from(rampPlans)
    .where(eq(rampPlans.userId, userId))
    .orderBy(sql`case when ${rampPlans.status} = 'active' then 0 else 1 end`, desc(rampPlans.startDate), desc(rampPlans.id));
}

export type PlanRow = { plan: RampPlan; person: Pick<User, 'id' | 'displayName' | 'jobRole' | 'active'>; tasks: TaskState[] };

/**
 * For a manager, the people of the teams they manage (the only ones they may
 * oversee), so queries read a team's rows rather than the organisation's; null
 * for an admin, who oversees everyone. The access checks still run per row.
 */
function teamPeople(actor: Actor, teamContext: TeamContext): number[] | null {
  if (isAdmin(actor)) return null;
  return [...new Set(teamContext.memberships.filter((m) => managesPerson(actor, m.userId, teamContext)).map((m) => m.userId))];
}

/**
 * Plans the actor oversees as a manager or admin (never their own): admins
 * every plan of the organisation, managers the plans of people in the teams
 * they manage. Each with its tasks' states, for progress, RAG and next due.
 */
export async function overseenPlans(db: Executor, actor: Actor, status: 'active' | 'ended'): Promise<PlanRow[]> {
  if (!canOverseeTeams(actor)) return [];
  const teamContext = await loadTeamContext(db, actor);
  const team = teamPeople(actor, teamContext);
  if (team && team.length === 0) return [];
  const rows = await db
    .select({ plan: rampPlans, person: { id: users.id, displayName: users.displayName, jobRole: users.jobRole, active: users.active } })
    .from(rampPlans)
    .innerJoin(users, eq(users.id, rampPlans.userId))
    .where(
      and(
        eq(rampPlans.orgId, actor.orgId),
        status === 'active' ? eq(rampPlans.status, 'active') : ne(rampPlans.status, 'active'),
        team ? inArray(rampPlans.userId, team) : undefined,
      ),
    )
    .orderBy(asc(rampPlans.startDate), asc(users.displayName));
  const visible = rows.filter((r) => r.plan.userId !== actor.id && (isAdmin(actor) || managesPerson(actor, r.plan.userId, teamContext)));
  if (visible.length === 0) return [];
  // One row per plan with its tasks as JSON: an admin's dashboard reads every
  // active plan's tasks (40,000 at 50,000 people), and the client's cost is per row.
  const packed = await readInSlices(
    visible.map((r) => r.plan.id),
    (planIds) =>
      db.all<{ planId: number; tasks: string }>(sql`
      select plan_id as planId, json_group_array(json_array(id, title, due_day, done_at is not null, position)) as tasks
      from ramp_tasks where plan_id in (${sql.join(
        planIds.map((id) => sql`${id}`),
        sql`, `,
      )})
      group by plan_id`),
  );
  const byPlan = new Map<number, TaskState[]>();
  for (const row of packed) {
    const tasks = (JSON.parse(row.tasks) as [number, string, number, 0 | 1, number][]).map(([id, title, dueDay, done, position]) => ({
      id,
      title,
      dueDay,
      done: done === 1,
      position,
    }));
    byPlan.set(Number(row.planId), tasks);
  }
  return visible.map((r) => ({ ...r, tasks: byPlan.get(r.plan.id) ?? [] }));
}

/** People the actor may start a plan for now: those they may edit, active, without an active plan, not themselves. */
export async function startablePeople(db: Executor, actor: Actor) {
  if (!canOverseeTeams(actor)) return [];
  const teamContext = await loadTeamContext(db, actor);
  const team = teamPeople(actor, teamContext);
  if (team && team.length === 0) return [];
  const people = await db
    .select()
    .from(users)
    .where(and(eq(users.orgId, actor.orgId), eq(users.active, true), team ? inArray(users.id, team) : undefined))
    .orderBy(asc(users.displayName));
  const withPlan = new Set(
    (
      await db
        .select({ userId: rampPlans.userId })
        .from(rampPlans)
        // A manager's people only: the whole organisation's active plans are thousands of rows at scale.
        .where(and(eq(rampPlans.orgId, actor.orgId), eq(rampPlans.status, 'active'), team ? inArray(rampPlans.userId, team) : undefined))
    ).map((r) => r.userId),
  );
  return people
    .filter((p) => p.id !== actor.id && !withPlan.has(p.id) && canEditUser(actor, p, teamContext))
    .map((p) => ({ id: p.id, displayName: p.displayName, jobRole: p.jobRole, startDate: p.startDate }));
}

/** Open buddy tasks of active plans where the actor is the named buddy. */
export async function buddyTasksOf(db: Executor, actor: Actor) {
  return db
    .select({ task: rampTasks, plan: rampPlans, personName: users.displayName })
    .from(rampTasks)
    .innerJoin(rampPlans, eq(rampPlans.id, rampTasks.planId))
    .innerJoin(users, eq(users.id, rampPlans.userId))
    .where(
      and(
        eq(rampTasks.buddyUserId, actor.id),
        eq(rampTasks.owner, 'buddy'),
        eq(rampPlans.status, 'active'),
        eq(rampPlans.orgId, actor.orgId),
      ),
    )
    .orderBy(asc(rampPlans.startDate), asc(rampTasks.dueDay));
}
