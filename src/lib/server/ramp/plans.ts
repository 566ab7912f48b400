// Starting plans from a template, and ending them (complete or close).
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { findTemplate, type RampCatalog, type RampTemplate } from '#catalog/catalogs.ts';
import { canEditUser, canOverseeTeams, canViewUser } from '#domain/access.ts';
import { addDays, daysBetween, type IsoDate } from '#domain/calendar.ts';
import { optionalDate, parseId, type FormValues } from '#domain/fields.ts';
import { phaseForDay } from '#domain/ramp.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { isUniqueViolation } from '#server/db/errors.ts';
import { rampPlans, rampTasks, users, type RampPhaseSnapshot, type RampPlan, type RampTask, type User } from '#server/db/schema.ts';
import { forbidden, invalid, notFound, ok, parseInput, type FieldErrors, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import { notifyPlanStarted } from '#server/notifications/events.ts';
import { fromCtx, recordChange } from './history.ts';
import { withEditablePlan } from './loading.ts';

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

/** A real date (the field rule), within the window around the organisation's today (the ramp rule); '' is none (null). */
const startDateField = (today: IsoDate) =>
  optionalDate().superRefine((value, ctx) => {
    if (value === null) return;
    if (Math.abs(daysBetween(today, value)) > START_DATE_WINDOW_DAYS) {
      ctx.addIssue({
        code: 'custom',
        message: `Choose a start date between ${addDays(today, -START_DATE_WINDOW_DAYS)} and ${addDays(today, START_DATE_WINDOW_DAYS)}.`,
      });
    }
  });

const startSchema = (today: IsoDate) =>
  z.object({
    personId: z.string({ error: 'Choose the person the plan is for.' }).trim().min(1, { error: 'Choose the person the plan is for.' }),
    templateRole: z.string().trim().optional().default(''),
    startDate: startDateField(today),
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
        if (!canViewUser(actor, person, teamContext)) return notFound();
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
      const { plan, tasks } = await createPlanFromTemplate(tx, {
        orgId: actor.orgId,
        userId: person.id,
        template,
        startDate,
        createdBy: actor.id,
        at: ctx.now,
        ip: ctx.ip,
      });
      await notifyPlanStarted(tx, plan, tasks.length, ctx.now);
      return ok(plan);
    });
  } catch (error) {
    // Two managers starting a plan for the same person at once: the partial unique index decides.
    if (isUniqueViolation(error)) {
      return invalid({ personId: 'This person already has an active plan: complete or close it first.' }, undefined, 409);
    }
    throw error;
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
  return withEditablePlan(db, ctx.actor, rawPlanId, async (tx, plan) => {
    if (status !== 'completed' && status !== 'closed') return invalid({ status: 'Choose to complete or close the plan.' });
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
