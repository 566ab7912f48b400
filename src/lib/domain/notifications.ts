// Who gets which notification when, and what it says. Pure: the jobs in
// src/lib/server/notifications load rows, call these and enqueue what they
// return; unit tests call them with literals. Every date is a calendar date
// in the organisation's time zone (calendar.ts), and every job sends at
// SEND_HOUR on the organisation's wall clock, not the server's.
import { addDays, daysBetween, formatDayInWords, isoWeek, localDate, localHour, organisationTimeZone, type IsoDate } from './calendar.ts';
import { normaliseLeadDays, reminderDates } from './certifications.ts';
import type { EmailContent } from './email.ts';
import { MESSAGE_KIND_LABELS, type NotificationKind } from './messages.ts';
import { dueThisWeek, overdueTasks, planRag, type RampOwner } from './ramp.ts';

/** Local hour from which a day's (or a Monday's) messages go: start of a working day, not the middle of the night. */
export const SEND_HOUR = 8;

/** How many missed days a daily job makes up after downtime; older reminders stay on the reminders page. */
export const MAX_CATCH_UP_DAYS = 7;

// --- periods ------------------------------------------------------------------------

/** The day a daily job is due for at `now`: the organisation's date from SEND_HOUR, else none yet. */
export function dailyPeriod(now: Date, timeZone: string): IsoDate | null {
  const zone = organisationTimeZone(timeZone);
  return localHour(now, zone) >= SEND_HOUR ? localDate(now, zone) : null;
}

/**
 * The ISO week a weekly job is due for: from Monday SEND_HOUR. A week missed
 * on its Monday (server down) is caught up later that week, again only from
 * SEND_HOUR: nobody gets a digest at 3 in the morning.
 */
export function weeklyPeriod(now: Date, timeZone: string): string | null {
  const zone = organisationTimeZone(timeZone);
  return localHour(now, zone) >= SEND_HOUR ? isoWeek(localDate(now, zone)) : null;
}

/**
 * The days a daily run for `period` covers: the period itself, and the days
 * missed since the last completed run (at most MAX_CATCH_UP_DAYS in all). A
 * first run covers only its own day, so turning the feature on does not send
 * a year of old reminders.
 */
export function catchUpDays(period: IsoDate, lastCompleted: IsoDate | null): IsoDate[] {
  if (lastCompleted !== null && lastCompleted >= period) return [];
  const first = lastCompleted === null ? period : addDays(lastCompleted, 1);
  const from = daysBetween(first, period) >= MAX_CATCH_UP_DAYS ? addDays(period, 1 - MAX_CATCH_UP_DAYS) : first;
  const days: IsoDate[] = [];
  for (let d = from; d <= period; d = addDays(d, 1)) days.push(d);
  return days;
}

// --- certification reminders -----------------------------------------------------------

/** A current earned certification with an expiry date (the newest record of its kind). */
export type HeldCertification = { recordId: number; holderId: number; holderName: string; name: string; expiresOn: IsoDate };

export type ReminderItem = HeldCertification & { leadDays: number; reminderOn: IsoDate };

export type ReminderMessage = { recipientId: number; own: ReminderItem[]; team: ReminderItem[] };

/**
 * The expiry dates whose reminder falls on one of `days` (contiguous), per
 * lead time: a reminder `lead` days before expiry falls in the window exactly
 * when the expiry is in [first + lead, last + lead]. Lets the job ask the
 * database for those records only, instead of reading every certificate.
 */
export function expiryWindows(leadDays: readonly number[], days: readonly IsoDate[]): { from: IsoDate; to: IsoDate }[] {
  if (days.length === 0) return [];
  return normaliseLeadDays(leadDays).map((lead) => ({ from: addDays(days[0]!, lead), to: addDays(days[days.length - 1]!, lead) }));
}

/**
 * Reminders whose date falls on one of `days` (a lead time was entered that
 * day). Only the latest crossing counts per certification, so a catch-up
 * over two lead times names the certification once.
 */
export function remindersEntering(
  held: readonly HeldCertification[],
  leadDays: readonly number[],
  days: readonly IsoDate[],
): ReminderItem[] {
  if (days.length === 0) return [];
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const windows = expiryWindows(leadDays, days);
  const items: ReminderItem[] = [];
  for (const cert of held) {
    // Most certificates are nowhere near a lead time: a string comparison settles them.
    if (!windows.some((w) => cert.expiresOn >= w.from && cert.expiresOn <= w.to)) continue;
    const crossed = reminderDates(cert.expiresOn, leadDays).filter((r) => r.date >= first && r.date <= last && days.includes(r.date));
    const latest = crossed[crossed.length - 1];
    if (latest) items.push({ ...cert, leadDays: latest.leadDays, reminderOn: latest.date });
  }
  return items;
}

/**
 * One message per person at most: their own certifications entering a lead
 * time, and, for a manager, those of the members of the teams they manage
 * (`managersOf`: holder -> their managers). A holder who manages themselves
 * sees their certification once, as their own. Nobody outside the holder's
 * teams is told. `alreadyTold` holds, per recipient, the latest day a reminder
 * went to them: after a crash between days, items from before it are not sent again.
 */
export function planReminderMessages(
  items: readonly ReminderItem[],
  managersOf: ReadonlyMap<number, readonly number[]>,
  alreadyTold: ReadonlyMap<number, IsoDate> = new Map(),
): ReminderMessage[] {
  const messages = new Map<number, ReminderMessage>();
  const messageFor = (id: number) => {
    let m = messages.get(id);
    if (!m) messages.set(id, (m = { recipientId: id, own: [], team: [] }));
    return m;
  };
  const fresh = (recipientId: number, item: ReminderItem) => {
    const told = alreadyTold.get(recipientId);
    return told === undefined || item.reminderOn > told;
  };
  for (const item of items) {
    if (fresh(item.holderId, item)) messageFor(item.holderId).own.push(item);
    for (const managerId of new Set(managersOf.get(item.holderId) ?? [])) {
      if (managerId !== item.holderId && fresh(managerId, item)) messageFor(managerId).team.push(item);
    }
  }
  const byExpiry = (a: ReminderItem, b: ReminderItem) =>
    a.expiresOn.localeCompare(b.expiresOn) || a.holderName.localeCompare(b.holderName) || a.recordId - b.recordId;
  return [...messages.values()]
    .map((m) => ({ ...m, own: m.own.sort(byExpiry), team: m.team.sort(byExpiry) }))
    .sort((a, b) => a.recipientId - b.recipientId);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const latestOf = (dates: readonly IsoDate[]) => dates.reduce((a, b) => (b > a ? b : a));

/** "Your First aid at work expires on 2 January 2027", "2 certifications expire by 31 December 2026". */
export function reminderSubject(message: Pick<ReminderMessage, 'own' | 'team'>): string {
  const all = [...message.own, ...message.team];
  if (all.length === 1) {
    const [only] = all;
    const whose = message.own.length === 1 ? 'Your' : `${only!.holderName}’s`;
    return `${whose} ${only!.name} expires on ${formatDayInWords(only!.expiresOn)}`;
  }
  const by = formatDayInWords(latestOf(all.map((i) => i.expiresOn)));
  return message.own.length === 0
    ? `${all.length} certifications in your team expire by ${by}`
    : `${all.length} certifications expire by ${by}`;
}

export type MessageLinks = {
  /** Where the recipient acts: their certifications, the team's compliance page, their ramp plan. */
  action: string;
  /** One-click unsubscribe from this kind (also the List-Unsubscribe header). */
  unsubscribe: string;
  /** The settings page. */
  settings: string;
};

function footer(kind: NotificationKind, reason: string, links: MessageLinks): string[] {
  return [reason, `You get “${MESSAGE_KIND_LABELS[kind]}” messages. Choose what you receive: ${links.settings}`];
}

const daysWord = (from: IsoDate, to: IsoDate) => {
  const n = daysBetween(from, to);
  return n === 0 ? 'today' : n === 1 ? 'tomorrow' : `in ${n} days`;
};

export function reminderEmail(message: ReminderMessage, today: IsoDate, links: MessageLinks): EmailContent {
  const line = (i: ReminderItem, whose: boolean) =>
    `${whose ? `${i.holderName}: ` : ''}${i.name}, expires on ${formatDayInWords(i.expiresOn)} (${daysWord(today, i.expiresOn)})`;
  const paragraphs = [
    message.own.length > 0 && message.team.length === 0
      ? 'Renew before the expiry date, then record the renewal in OpsPath so the reminders stop.'
      : 'These certifications need renewing before they expire. Once renewed, record the renewal in OpsPath.',
  ];
  return {
    heading: reminderSubject(message),
    paragraphs,
    items: [...message.own.map((i) => line(i, false)), ...message.team.map((i) => line(i, true))],
    action: { label: message.own.length > 0 ? 'Open my certifications' : 'Open team compliance', url: links.action },
    footer: footer(
      'certification-reminder',
      message.team.length > 0
        ? 'You get this because you hold or manage these certifications.'
        : 'You get this because you hold these certifications.',
      links,
    ),
    unsubscribeUrl: links.unsubscribe,
  };
}

// --- ramp digest ---------------------------------------------------------------------

export type DigestTask = { id: number; title: string; owner: RampOwner; buddyUserId: number | null; dueDay: number; done: boolean };

export type DigestPlan = {
  planId: number;
  newHireId: number;
  newHireName: string;
  startDate: IsoDate;
  /** Managers of the teams the new hire is a member of. */
  managerIds: readonly number[];
  tasks: readonly DigestTask[];
};

export type DigestItem = {
  planId: number;
  taskId: number;
  title: string;
  dueDate: IsoDate;
  overdue: boolean;
  newHireName: string;
  mine: boolean;
};

export type DigestMessage = { recipientId: number; items: DigestItem[] };

/**
 * The weekly ramp digest: each person's own open tasks due in the next
 * 7 days and overdue ones. The new hire gets the tasks they own, a buddy the
 * buddy tasks naming them, the new hire's managers the manager tasks. Nobody
 * is told about a plan they have no part in; no message without a task.
 */
export function planRampDigests(plans: readonly DigestPlan[], today: IsoDate): DigestMessage[] {
  const messages = new Map<number, DigestItem[]>();
  const add = (recipientId: number, item: DigestItem) => {
    if (!messages.has(recipientId)) messages.set(recipientId, []);
    messages.get(recipientId)!.push(item);
  };
  for (const plan of plans) {
    const due = [...overdueTasks(plan.tasks, plan.startDate, today), ...dueThisWeek(plan.tasks, plan.startDate, today)];
    for (const task of due) {
      const base = { planId: plan.planId, taskId: task.id, title: task.title, dueDate: task.dueDate, overdue: task.daysFromToday < 0 };
      const item = (recipientId: number) => ({ ...base, newHireName: plan.newHireName, mine: recipientId === plan.newHireId });
      if (task.owner === 'new-hire') add(plan.newHireId, item(plan.newHireId));
      else if (task.owner === 'buddy' && task.buddyUserId !== null) add(task.buddyUserId, item(task.buddyUserId));
      else if (task.owner === 'manager') for (const m of new Set(plan.managerIds)) if (m !== plan.newHireId) add(m, item(m));
    }
  }
  return [...messages.entries()]
    .map(([recipientId, items]) => ({
      recipientId,
      items: items.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.taskId - b.taskId),
    }))
    .sort((a, b) => a.recipientId - b.recipientId);
}

/** "3 ramp tasks due by 14 December 2026 (1 overdue)", "1 ramp task overdue". */
export function digestSubject(items: readonly Pick<DigestItem, 'dueDate' | 'overdue'>[], today: IsoDate): string {
  const overdue = items.filter((i) => i.overdue).length;
  const upcoming = items.length - overdue;
  if (upcoming === 0) return `${plural(overdue, 'ramp task')} overdue`;
  const by = formatDayInWords(latestOf([today, ...items.map((i) => i.dueDate)]));
  return `${plural(items.length, 'ramp task')} due by ${by}${overdue > 0 ? ` (${overdue} overdue)` : ''}`;
}

export function digestEmail(message: DigestMessage, today: IsoDate, links: MessageLinks): EmailContent {
  const line = (i: DigestItem) =>
    `${i.mine ? '' : `${i.newHireName}: `}${i.title}, ${i.overdue ? `overdue since ${formatDayInWords(i.dueDate)}` : `due ${daysWord(today, i.dueDate)} (${formatDayInWords(i.dueDate)})`}`;
  return {
    heading: digestSubject(message.items, today),
    paragraphs: ['Your ramp plan tasks for the coming week, and any still open from before. Check a task off in OpsPath once it is done.'],
    items: message.items.map(line),
    action: { label: 'Open the ramp plan', url: links.action },
    footer: footer('ramp-digest', 'You get this because these ramp plan tasks are yours.', links),
    unsubscribeUrl: links.unsubscribe,
  };
}

// --- team summary ----------------------------------------------------------------------

export type SummaryCertification = HeldCertification & { daysLeft: number };
export type SummaryPlan = { planId: number; newHireName: string; label: string; reason: string };
export type TeamSummary = { expiring: SummaryCertification[]; expired: SummaryCertification[]; atRisk: SummaryPlan[] };

export const isEmptySummary = (s: TeamSummary) => s.expiring.length + s.expired.length + s.atRisk.length === 0;

/**
 * Each manager's weekly summary of the members of the teams they manage:
 * certifications expiring within the largest lead time, expired ones, and
 * ramp plans that are off track or at risk. Managers with nothing to report
 * get no message; nobody hears about a person outside their teams.
 */
export function planTeamSummaries(
  held: readonly HeldCertification[],
  plans: readonly DigestPlan[],
  managersOf: ReadonlyMap<number, readonly number[]>,
  today: IsoDate,
  leadDays: readonly number[],
): { recipientId: number; summary: TeamSummary }[] {
  const window = leadDays.length > 0 ? Math.max(...leadDays) : 0;
  const summaries = new Map<number, TeamSummary>();
  const summaryOf = (managerId: number) => {
    let s = summaries.get(managerId);
    if (!s) summaries.set(managerId, (s = { expiring: [], expired: [], atRisk: [] }));
    return s;
  };
  const managersOfMember = (memberId: number) => [...new Set(managersOf.get(memberId) ?? [])].filter((m) => m !== memberId);
  for (const cert of held) {
    const daysLeft = daysBetween(today, cert.expiresOn);
    if (daysLeft > window) continue;
    for (const m of managersOfMember(cert.holderId))
      (daysLeft <= 0 ? summaryOf(m).expired : summaryOf(m).expiring).push({ ...cert, daysLeft });
  }
  for (const plan of plans) {
    const rag = planRag(plan.tasks, plan.startDate, today);
    if (rag.level === 'green') continue;
    const reason = rag.reasons.find((r) => r.level === rag.level)?.text ?? rag.label;
    for (const m of managersOfMember(plan.newHireId))
      summaryOf(m).atRisk.push({ planId: plan.planId, newHireName: plan.newHireName, label: rag.label, reason });
  }
  return [...summaries.entries()]
    .map(([recipientId, s]) => ({
      recipientId,
      summary: {
        expiring: s.expiring.sort((a, b) => a.daysLeft - b.daysLeft || a.recordId - b.recordId),
        expired: s.expired.sort((a, b) => a.daysLeft - b.daysLeft || a.recordId - b.recordId),
        atRisk: s.atRisk.sort((a, b) => a.newHireName.localeCompare(b.newHireName) || a.planId - b.planId),
      },
    }))
    .sort((a, b) => a.recipientId - b.recipientId);
}

/** "Your team: 2 certifications expire by 31 December 2026, 1 expired, 1 plan at risk". */
export function summarySubject(summary: TeamSummary): string {
  const parts: string[] = [];
  if (summary.expiring.length > 0) {
    const by = formatDayInWords(latestOf(summary.expiring.map((c) => c.expiresOn)));
    parts.push(`${plural(summary.expiring.length, 'certification')} ${summary.expiring.length === 1 ? 'expires' : 'expire'} by ${by}`);
  }
  if (summary.expired.length > 0) parts.push(`${summary.expired.length} expired`);
  if (summary.atRisk.length > 0) parts.push(`${plural(summary.atRisk.length, 'plan')} at risk`);
  return `Your team: ${parts.join(', ') || 'nothing needs you this week'}`;
}

export function summaryEmail(summary: TeamSummary, today: IsoDate, links: MessageLinks): EmailContent {
  const cert = (c: SummaryCertification) =>
    c.daysLeft <= 0
      ? `Expired: ${c.holderName}, ${c.name}, since ${formatDayInWords(c.expiresOn)}`
      : `Expiring: ${c.holderName}, ${c.name}, on ${formatDayInWords(c.expiresOn)} (${daysWord(today, c.expiresOn)})`;
  return {
    heading: summarySubject(summary),
    paragraphs: ['What in your team needs attention this week: certifications that are expiring or expired, and ramp plans behind.'],
    items: [
      ...summary.expired.map(cert),
      ...summary.expiring.map(cert),
      ...summary.atRisk.map((p) => `Ramp plan ${p.label.toLowerCase()}: ${p.newHireName}, ${p.reason}`),
    ],
    action: { label: 'Open team compliance', url: links.action },
    footer: footer('team-summary', 'You get this because you manage this team.', links),
    unsubscribeUrl: links.unsubscribe,
  };
}

// --- ramp events -------------------------------------------------------------------------

export function planStartedEmail(input: { planTitle: string; startDate: IsoDate; taskCount: number }, links: MessageLinks): EmailContent {
  return {
    heading: `Your ramp plan starts on ${formatDayInWords(input.startDate)}`,
    paragraphs: [
      `“${input.planTitle}” has been set up for you: ${plural(input.taskCount, 'task')} over your first 90 days. Each shows its due date and who it is for.`,
    ],
    action: { label: 'Open my ramp plan', url: links.action },
    footer: footer('ramp-plan-started', 'You get this because a ramp plan was started for you.', links),
    unsubscribeUrl: links.unsubscribe,
  };
}

export function taskAssignedEmail(
  input: { title: string; dueDate: IsoDate; newHireName: string; forNewHire: boolean },
  links: MessageLinks,
): EmailContent {
  return {
    heading: `Ramp task for you, due ${formatDayInWords(input.dueDate)}: ${input.title}`,
    paragraphs: [
      input.forNewHire
        ? 'A task was added to your ramp plan.'
        : `You are the buddy for this task in ${input.newHireName}’s ramp plan. Check it off once it is done.`,
    ],
    action: { label: 'Open the ramp plan', url: links.action },
    footer: footer('ramp-task-assigned', 'You get this because the task is yours.', links),
    unsubscribeUrl: links.unsubscribe,
  };
}
