// 90-day ramp plans: the pure rules for due dates, progress, today's position,
// what is due this week and the RAG status. No Astro or database imports, so
// pages, the data layer, the demo seed and unit tests share one definition.
//
// Dates are calendar dates 'YYYY-MM-DD' without a time zone (calendar.ts);
// "today" is the organisation's date, which callers pass in.
//
// Weekends count. Day N of a plan is the start date + (N - 1) CALENDAR days,
// so "day 30" is exactly 30 days in, and a task due on a Saturday or Sunday is
// due that day: it is NOT moved to the next working day. Counting working days
// instead would stretch a 90-day plan to about 126 calendar days and make
// "day 30" mean different dates for different start days; the pages print the
// weekday next to each due date so a weekend due date is visible, and a
// manager who wants a weekday simply edits the due day. Overdue days are
// calendar days too.

import { addDays, daysBetween, formatLongDay } from './calendar.ts';
import { wholePercent } from './format.ts';
import { SOURCE_DOCUMENTS } from '#content/source-documents.ts';

export const PLAN_LENGTH_DAYS = 90;

/** An open task overdue by more than this many days makes the plan Red; 1 to this many days, Amber. */
export const RAG_OVERDUE_GRACE_DAYS = 3;
/**
 * An open task due today or within this many days after today makes the plan
 * Amber. Two days (today, tomorrow, the day after) rather than a full week:
 * templates space tasks about four days apart, so a wider window would keep
 * almost every plan Amber and the colour would stop meaning "needs attention".
 */
export const RAG_DUE_SOON_DAYS = 2;
/** Progress this many percentage points (or more than) below the time elapsed makes the plan Red. */
export const RAG_RED_BEHIND_POINTS = 20;
/** More than this many points behind (but not Red) makes the plan Amber. */
export const RAG_AMBER_BEHIND_POINTS = 10;
/** "Due this week": today and the next six days, so Friday still shows what is due on Monday. */
export const DUE_WINDOW_DAYS = 7;

export const RAMP_OWNER_IDS = ['new-hire', 'manager', 'buddy'] as const;
export type RampOwner = (typeof RAMP_OWNER_IDS)[number];
export const OWNER_LABELS: Record<RampOwner, string> = { 'new-hire': 'New hire', manager: 'Manager', buddy: 'Buddy' };

export const RAMP_PHASES = [
  { id: 'days-1-30', startDay: 1, endDay: 30, label: 'Days 1-30' },
  { id: 'days-31-60', startDay: 31, endDay: 60, label: 'Days 31-60' },
  { id: 'days-61-90', startDay: 61, endDay: 90, label: 'Days 61-90' },
] as const;
export type PhaseId = (typeof RAMP_PHASES)[number]['id'];

export const isValidDueDay = (day: number) => Number.isInteger(day) && day >= 1 && day <= PLAN_LENGTH_DAYS;

/** The due date of a task: start date + (due day - 1) calendar days (day 1 is the start date). */
export function dueDate(startDate: string, dueDay: number): string {
  if (!isValidDueDay(dueDay)) throw new RangeError(`due day must be 1-${PLAN_LENGTH_DAYS}, got ${dueDay}`);
  return addDays(startDate, dueDay - 1);
}

/** The phase a due day falls in. */
export function phaseForDay(dueDay: number): PhaseId {
  if (!isValidDueDay(dueDay)) throw new RangeError(`due day must be 1-${PLAN_LENGTH_DAYS}, got ${dueDay}`);
  return RAMP_PHASES.find((p) => dueDay >= p.startDay && dueDay <= p.endDay)!.id;
}

// --- progress -----------------------------------------------------------------

/** What the status rules need to know about a task. */
export type TaskState = { id: number; title: string; dueDay: number; done: boolean; position?: number };

/** A task's state with its owner (the due lists say whose task it is). */
export type OwnedTaskState = TaskState & { owner: RampOwner };

/** The states of stored tasks (ramp_tasks rows): done is "has a done time". */
export const taskStates = (
  tasks: readonly { id: number; title: string; dueDay: number; doneAt: Date | null; position: number; owner: RampOwner }[],
): OwnedTaskState[] =>
  tasks.map((t) => ({ id: t.id, title: t.title, dueDay: t.dueDay, done: t.doneAt !== null, position: t.position, owner: t.owner }));

export type Progress = { done: number; total: number; percent: number };

/** Done / total, the percentage from wholePercent (nearest, but 100 % only when every task is done); 0 % for no tasks. */
export function progressOf(tasks: readonly Pick<TaskState, 'done'>[]): Progress {
  const done = tasks.filter((t) => t.done).length;
  const total = tasks.length;
  return { done, total, percent: wholePercent(done, total) };
}

/** Progress per phase, in phase order; a task belongs to the phase of its due day. */
export function phaseProgress(tasks: readonly Pick<TaskState, 'done' | 'dueDay'>[]) {
  return RAMP_PHASES.map((phase) => ({
    phase,
    ...progressOf(tasks.filter((t) => t.dueDay >= phase.startDay && t.dueDay <= phase.endDay)),
  }));
}

// --- position -------------------------------------------------------------------

export type PlanPosition =
  { kind: 'upcoming'; startsInDays: number } | { kind: 'active'; day: number } | { kind: 'finished'; daysSinceEnd: number };

/** Where today falls: before the start, on day N of 90, or after day 90. */
export function planPosition(startDate: string, today: string): PlanPosition {
  const offset = daysBetween(startDate, today);
  if (offset < 0) return { kind: 'upcoming', startsInDays: -offset };
  const day = offset + 1;
  if (day > PLAN_LENGTH_DAYS) return { kind: 'finished', daysSinceEnd: day - PLAN_LENGTH_DAYS };
  return { kind: 'active', day };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function positionLabel(position: PlanPosition): string {
  switch (position.kind) {
    case 'upcoming':
      return position.startsInDays === 1 ? 'Starts tomorrow' : `Starts in ${position.startsInDays} days`;
    case 'active':
      return `Day ${position.day} of ${PLAN_LENGTH_DAYS}`;
    case 'finished':
      return `Finished: all ${PLAN_LENGTH_DAYS} days have passed`;
  }
}

/** When the plan starts, in the tense today calls for: "Starts on …" ahead of day 1, "Started on …" from day 1. */
export function startLabel(startDate: string, today: string): string {
  return `${daysBetween(startDate, today) < 0 ? 'Starts' : 'Started'} on ${formatLongDay(startDate)}`;
}

// --- due lists --------------------------------------------------------------------

export type DatedTask<T extends TaskState> = T & { dueDate: string; daysFromToday: number };

/**
 * The tasks `keep` accepts, with their due date and days from today. Day
 * numbers are counted once per plan, not per task: a dashboard dates every
 * task of a few thousand plans, and parsing dates per task was most of its time.
 */
function dated<T extends TaskState>(
  tasks: readonly T[],
  startDate: string,
  today: string,
  keep: (task: T, daysFromToday: number) => boolean,
): DatedTask<T>[] {
  const startFromToday = daysBetween(today, startDate);
  const out: DatedTask<T>[] = [];
  for (const t of tasks) {
    if (!isValidDueDay(t.dueDay)) throw new RangeError(`due day must be 1-${PLAN_LENGTH_DAYS}, got ${t.dueDay}`);
    const daysFromToday = startFromToday + t.dueDay - 1;
    if (keep(t, daysFromToday)) out.push({ ...t, dueDate: dueDate(startDate, t.dueDay), daysFromToday });
  }
  return out;
}

const byDue = <T extends TaskState>(a: T, b: T) => a.dueDay - b.dueDay || (a.position ?? 0) - (b.position ?? 0) || a.id - b.id;

/** Open tasks due today or in the next DUE_WINDOW_DAYS - 1 days, soonest first. */
export function dueThisWeek<T extends TaskState>(tasks: readonly T[], startDate: string, today: string): DatedTask<T>[] {
  return dated(tasks, startDate, today, (t, days) => !t.done && days >= 0 && days < DUE_WINDOW_DAYS).sort(byDue);
}

/** Open tasks whose due date has passed, most overdue first. `daysFromToday` is negative. */
export function overdueTasks<T extends TaskState>(tasks: readonly T[], startDate: string, today: string): DatedTask<T>[] {
  return dated(tasks, startDate, today, (t, days) => !t.done && days < 0).sort(byDue);
}

/** The open task due soonest (overdue ones first), or null when everything is done. */
export function nextDueTask<T extends TaskState>(tasks: readonly T[]): T | null {
  return [...tasks].filter((t) => !t.done).sort(byDue)[0] ?? null;
}

// --- RAG ------------------------------------------------------------------------------

/** Share of the 90 days that has fully passed, in whole percent as wholePercent rounds it (0 on day 1, 100 after day 90). */
export function expectedPercent(startDate: string, today: string): number {
  const elapsed = Math.min(PLAN_LENGTH_DAYS, Math.max(0, daysBetween(startDate, today)));
  return wholePercent(elapsed, PLAN_LENGTH_DAYS);
}

export type RagLevel = 'red' | 'amber' | 'green';
export type RagReason = { level: RagLevel; text: string };
export type RagStatus = {
  level: RagLevel;
  /** Short words next to the colour, so colour is never the only signal. */
  label: 'Off track' | 'At risk' | 'On track' | 'Not started';
  notStarted: boolean;
  reasons: RagReason[];
  expectedPercent: number;
  actualPercent: number;
  /** Expected minus actual, in percentage points (negative when ahead). */
  behindPoints: number;
};

const LABELS = { red: 'Off track', amber: 'At risk', green: 'On track' } as const;
const RANK: Record<RagLevel, number> = { green: 0, amber: 1, red: 2 };

const quoteList = (tasks: readonly { title: string }[], max = 3) => {
  const names = tasks.slice(0, max).map((t) => `“${t.title}”`);
  const more = tasks.length - names.length;
  return names.join(', ') + (more > 0 ? ` and ${more} more` : '');
};

const whenDue = (days: number) => (days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`);

/**
 * The plan's RAG status, following the playbook's RAG guide (Red: breached or
 * sure to breach, act now; Amber: at risk; Green: on track):
 * - Red when an open task is overdue by more than RAG_OVERDUE_GRACE_DAYS, or
 *   progress is more than RAG_RED_BEHIND_POINTS below the share of time elapsed;
 * - Amber when an open task is 1 to RAG_OVERDUE_GRACE_DAYS days overdue, an open
 *   task is due within RAG_DUE_SOON_DAYS days (today included), or progress is
 *   more than RAG_AMBER_BEHIND_POINTS behind;
 * - Green otherwise. A plan whose start date is still ahead is Green, "Not started".
 * Every rule that fires is listed as a reason; the worst one sets the colour.
 */
export function planRag(tasks: readonly TaskState[], startDate: string, today: string): RagStatus {
  const progress = progressOf(tasks);
  const expected = expectedPercent(startDate, today);
  const base = { expectedPercent: expected, actualPercent: progress.percent, behindPoints: expected - progress.percent };
  const position = planPosition(startDate, today);
  if (position.kind === 'upcoming') {
    return {
      ...base,
      level: 'green',
      label: 'Not started',
      notStarted: true,
      reasons: [{ level: 'green', text: `The plan starts ${whenDue(position.startsInDays)}: nothing is due yet.` }],
    };
  }

  const reasons: RagReason[] = [];
  const overdue = overdueTasks(tasks, startDate, today);
  const late = overdue.filter((t) => -t.daysFromToday > RAG_OVERDUE_GRACE_DAYS);
  const inGrace = overdue.filter((t) => -t.daysFromToday <= RAG_OVERDUE_GRACE_DAYS);
  if (late.length > 0) {
    reasons.push({
      level: 'red',
      text: `${plural(late.length, 'task')} overdue by more than the ${RAG_OVERDUE_GRACE_DAYS}-day grace period: ${quoteList(late)} (up to ${plural(-late[0]!.daysFromToday, 'day')} late).`,
    });
  }
  const behind = expected - progress.percent;
  if (progress.total > 0 && behind > RAG_RED_BEHIND_POINTS) {
    reasons.push({
      level: 'red',
      text: `${progress.percent}% done against ${expected}% of the time elapsed: ${behind} points behind (Red above ${RAG_RED_BEHIND_POINTS}).`,
    });
  }
  if (inGrace.length > 0) {
    reasons.push({
      level: 'amber',
      text: `${plural(inGrace.length, 'task')} overdue within the ${RAG_OVERDUE_GRACE_DAYS}-day grace period: ${quoteList(inGrace)}.`,
    });
  }
  const soon = dueThisWeek(tasks, startDate, today).filter((t) => t.daysFromToday <= RAG_DUE_SOON_DAYS);
  if (soon.length > 0) {
    reasons.push({
      level: 'amber',
      text: `${plural(soon.length, 'open task')} due within ${RAG_DUE_SOON_DAYS} days: ${soon
        .slice(0, 3)
        .map((t) => `“${t.title}” ${whenDue(t.daysFromToday)}`)
        .join(', ')}${soon.length > 3 ? ` and ${soon.length - 3} more` : ''}.`,
    });
  }
  if (progress.total > 0 && behind > RAG_AMBER_BEHIND_POINTS && behind <= RAG_RED_BEHIND_POINTS) {
    reasons.push({
      level: 'amber',
      text: `${progress.percent}% done against ${expected}% of the time elapsed: ${behind} points behind (Amber above ${RAG_AMBER_BEHIND_POINTS}).`,
    });
  }

  const level = reasons.reduce<RagLevel>((worst, r) => (RANK[r.level] > RANK[worst] ? r.level : worst), 'green');
  if (reasons.length === 0) {
    reasons.push({
      level: 'green',
      text:
        progress.total === 0
          ? 'The plan has no tasks yet.'
          : `Nothing overdue or due within ${RAG_DUE_SOON_DAYS} days, and ${progress.percent}% done against ${expected}% of the time elapsed.`,
    });
  }
  reasons.sort((a, b) => RANK[b.level] - RANK[a.level]);
  return { ...base, level, label: LABELS[level], notStarted: false, reasons };
}

/** Sort key so the plans that need attention come first. */
export const RAG_ORDER: Record<RagLevel, number> = { red: 0, amber: 1, green: 2 };

/** 'due today', '2 days overdue', 'due in 3 days'. */
export function relativeDue(daysFromToday: number): string {
  if (daysFromToday === 0) return 'due today';
  if (daysFromToday === 1) return 'due tomorrow';
  if (daysFromToday > 1) return `due in ${daysFromToday} days`;
  return daysFromToday === -1 ? '1 day overdue' : `${-daysFromToday} days overdue`;
}

/** The rules in words, for the pages (built from the same constants the code uses). */
export const RAG_RULES: readonly { level: RagLevel; label: string; rule: string }[] = [
  {
    level: 'red',
    label: 'Red: off track',
    rule: `an open task is overdue by more than ${RAG_OVERDUE_GRACE_DAYS} days (the grace period), or the share of tasks done is more than ${RAG_RED_BEHIND_POINTS} percentage points below the share of the ${PLAN_LENGTH_DAYS} days that has passed.`,
  },
  {
    level: 'amber',
    label: 'Amber: at risk',
    rule: `an open task is 1 to ${RAG_OVERDUE_GRACE_DAYS} days overdue, or is due today or within the next ${RAG_DUE_SOON_DAYS} days, or progress is more than ${RAG_AMBER_BEHIND_POINTS} points behind the time elapsed.`,
  },
  {
    level: 'green',
    label: 'Green: on track',
    rule: `none of the above. A plan whose start date is still ahead is Green and marked "Not started".`,
  },
];

export const DATE_RULE = `Day 1 is the start date; a task due on day N is due on the start date + (N - 1) calendar days. Weekends count, and a task due on a Saturday or Sunday is not moved to the next working day. “Today” is your organisation’s date, in its time zone.`;

/**
 * No source gives a day for any ramp task: the article only splits the 90 days into
 * three 30-day phases. The day each task falls due is OpsPath's scheduling default,
 * and every place that shows one says so with these words.
 */
export const DUE_DAY_GUIDANCE_LABEL = 'OpsPath guidance';
/** The same, where there is room for one line (the dashboard card). */
export const DUE_DAY_GUIDANCE_SHORT = 'Due days are OpsPath’s scheduling defaults, not figures from a source.';
export const DUE_DAY_GUIDANCE = `The day each task falls due is a scheduling default OpsPath set, not a figure from a source: the article “${SOURCE_DOCUMENTS['day-in-the-life-article']}” splits the first 90 days into three 30-day phases but gives no day for any task. A manager can move a task to suit the person and the team.`;

// --- history ------------------------------------------------------------------------------

export const HISTORY_ACTIONS = [
  'plan.started',
  'plan.completed',
  'plan.closed',
  'task.added',
  'task.updated',
  'task.moved',
  'task.removed',
  'task.done',
  'task.undone',
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

const FIELD_LABELS: Record<string, string> = {
  title: 'title',
  detail: 'details',
  owner: 'owner',
  buddyUserId: 'buddy',
  dueDay: 'due day',
  skillId: 'skill',
  kpiId: 'KPI',
};

const show = (v: unknown) => (v === null || v === undefined || v === '' ? 'none' : typeof v === 'string' ? `“${v}”` : String(v));

/** Names for ids a history entry may hold (buddy user ids, skill and KPI ids); ids show as they are when missing. */
export type HistoryLabels = {
  people?: ReadonlyMap<number, string>;
  skills?: ReadonlyMap<string, string>;
  kpis?: ReadonlyMap<string, string>;
};

function labelled(key: string, value: unknown, labels: HistoryLabels): unknown {
  if (value === null || value === undefined) return value;
  if (key === 'buddyUserId') return labels.people?.get(Number(value)) ?? value;
  if (key === 'skillId') return labels.skills?.get(String(value)) ?? value;
  if (key === 'kpiId') return labels.kpis?.get(String(value)) ?? value;
  return value;
}

/** One line describing a history entry, e.g. 'Changed due day from 20 to 24 on “Refresh dashboards”'. */
export function describeHistory(
  action: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  labels: HistoryLabels = {},
): string {
  const title = String(after?.title ?? before?.title ?? 'a task');
  switch (action) {
    case 'plan.started':
      return `Started the plan from the ${String(after?.templateRole ?? '')} template with ${String(after?.taskCount ?? 0)} tasks, starting ${String(after?.startDate ?? '')}`;
    case 'plan.completed':
      return 'Marked the plan completed';
    case 'plan.closed':
      return 'Closed the plan';
    case 'task.added':
      return `Added “${title}” (day ${String(after?.dueDay ?? '?')}, ${OWNER_LABELS[after?.owner as RampOwner] ?? 'unknown owner'})`;
    case 'task.removed':
      return `Removed “${title}”`;
    case 'task.moved':
      return `Moved “${title}” ${after?.direction === 'up' ? 'up' : 'down'}`;
    case 'task.done':
      return `Checked off “${title}”${after?.note ? ` with a note: ${String(after.note)}` : ''}`;
    case 'task.undone':
      return `Unchecked “${title}”`;
    case 'task.updated': {
      const keys = Object.keys(after ?? {}).filter((k) => k in FIELD_LABELS);
      const changes = keys.map((k) => {
        const from = k === 'owner' ? OWNER_LABELS[before?.[k] as RampOwner] : show(labelled(k, before?.[k], labels));
        const to = k === 'owner' ? OWNER_LABELS[after?.[k] as RampOwner] : show(labelled(k, after?.[k], labels));
        return k === 'detail' ? 'details' : `${FIELD_LABELS[k]} from ${from} to ${to}`;
      });
      return `Changed ${changes.join('; ') || 'nothing'} on “${String(before?.title ?? title)}”`;
    }
    default:
      return action;
  }
}

// --- calendar events -------------------------------------------------------------------

export type RampCalendarEvent = { uid: string; date: string; title: string; description: string; taskId: number };

/**
 * The open tasks of one's own plan as all-day events on their due dates, for
 * the calendar feed. Done tasks leave the calendar; every task of the plan
 * is listed (the manager's one-to-one is the new hire's date too), each
 * saying whose it is. No "today": the same data gives the same events.
 */
export function rampCalendarEvents(
  plan: { id: number; title: string; startDate: string },
  tasks: readonly (TaskState & { owner: RampOwner })[],
  uidDomain: string,
): RampCalendarEvent[] {
  return tasks
    .filter((t) => !t.done)
    .map((t) => ({
      uid: `ramp-task-${t.id}@${uidDomain}`,
      date: dueDate(plan.startDate, t.dueDay),
      title: `Ramp plan: ${t.title}`,
      description: `Day ${t.dueDay} of ${PLAN_LENGTH_DAYS} in “${plan.title}”. For: ${OWNER_LABELS[t.owner]}.`,
      taskId: t.id,
    }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.taskId - b.taskId);
}
