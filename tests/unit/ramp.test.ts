// The pure ramp-plan rules: due dates (calendar days, weekends not skipped),
// progress, today's position, due lists and the RAG status with its edges.
import { describe, expect, it } from 'vitest';
import {
  DUE_WINDOW_DAYS,
  PLAN_LENGTH_DAYS,
  RAG_AMBER_BEHIND_POINTS,
  RAG_DUE_SOON_DAYS,
  RAG_ORDER,
  RAG_OVERDUE_GRACE_DAYS,
  RAG_RED_BEHIND_POINTS,
  RAG_RULES,
  describeHistory,
  dueDate,
  dueThisWeek,
  expectedPercent,
  nextDueTask,
  overdueTasks,
  phaseForDay,
  phaseProgress,
  planPosition,
  planRag,
  positionLabel,
  progressOf,
  startLabel,
  relativeDue,
  taskStates,
  type TaskState,
} from '#domain/ramp.ts';
import { addDays, daysBetween, formatLongDay, formatShortDay, isIsoDate, isWeekend } from '#domain/calendar.ts';

let nextId = 1;
const task = (dueDay: number, done = false, title = `Task due day ${dueDay}`): TaskState => ({ id: nextId++, title, dueDay, done });

/** A start date and "today" that is day N of the plan. */
const START = '2026-11-02'; // a Monday
const onDay = (n: number) => addDays(START, n - 1);

describe('due dates', () => {
  it('day 1 is the start date and day N is start + (N - 1) calendar days', () => {
    expect(dueDate(START, 1)).toBe('2026-11-02');
    expect(dueDate(START, 30)).toBe('2026-12-01');
    expect(dueDate(START, 90)).toBe('2027-01-30');
  });

  it('counts weekends: a task due on a Saturday stays on the Saturday', () => {
    // Monday + 5 days = Saturday, + 6 = Sunday; neither is moved to Monday.
    expect(dueDate(START, 6)).toBe('2026-11-07');
    expect(isWeekend(dueDate(START, 6))).toBe(true);
    expect(dueDate(START, 7)).toBe('2026-11-08');
    expect(isWeekend(dueDate(START, 7))).toBe(true);
    expect(dueDate(START, 8)).toBe('2026-11-09');
    expect(isWeekend(dueDate(START, 8))).toBe(false);
    // A plan starting on a Friday: day 2 is the Saturday.
    expect(dueDate('2026-11-06', 2)).toBe('2026-11-07');
  });

  it('crosses month, year and leap-day boundaries', () => {
    expect(dueDate('2027-12-20', 15)).toBe('2028-01-03');
    expect(dueDate('2028-02-28', 2)).toBe('2028-02-29');
    expect(dueDate('2027-02-28', 2)).toBe('2027-03-01');
  });

  it('rejects due days outside the plan and impossible dates', () => {
    expect(() => dueDate(START, 0)).toThrow(RangeError);
    expect(() => dueDate(START, 91)).toThrow(RangeError);
    expect(() => dueDate(START, 2.5)).toThrow(RangeError);
    expect(() => dueDate('2026-02-30', 1)).toThrow(RangeError);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('26-1-1')).toBe(false);
  });

  it('maps due days to phases at the boundaries', () => {
    expect(phaseForDay(1)).toBe('days-1-30');
    expect(phaseForDay(30)).toBe('days-1-30');
    expect(phaseForDay(31)).toBe('days-31-60');
    expect(phaseForDay(60)).toBe('days-31-60');
    expect(phaseForDay(61)).toBe('days-61-90');
    expect(phaseForDay(90)).toBe('days-61-90');
    expect(() => phaseForDay(91)).toThrow(RangeError);
  });

  it('counts days backwards too', () => {
    expect(daysBetween('2026-11-02', '2026-10-31')).toBe(-2);
  });
});

describe('progress', () => {
  it('is done / total with the percentage rounded to the nearest', () => {
    expect(progressOf([task(1, true), task(2), task(3)])).toEqual({ done: 1, total: 3, percent: 33 });
    expect(progressOf([task(1, true), task(2, true), task(3)])).toEqual({ done: 2, total: 3, percent: 67 });
    // 22 of 23 is 95.65 %.
    const almost = [...Array.from({ length: 22 }, (_, i) => task(i + 1, true)), task(23)];
    expect(progressOf(almost).percent).toBe(96);
    // 199 of 200 is 99.5 %: never shown as 100 % while a task is open.
    const nearly = [...Array.from({ length: 199 }, (_, i) => task((i % 90) + 1, true)), task(90)];
    expect(progressOf(nearly).percent).toBe(99);
    expect(progressOf([]).percent).toBe(0);
  });

  it('splits by phase using each task’s due day', () => {
    const phases = phaseProgress([task(1, true), task(30), task(31, true), task(60, true), task(61)]);
    expect(phases.map((p) => [p.phase.id, p.done, p.total, p.percent])).toEqual([
      ['days-1-30', 1, 2, 50],
      ['days-31-60', 2, 2, 100],
      ['days-61-90', 0, 1, 0],
    ]);
  });
});

describe('today’s position', () => {
  it('says day N of 90, starts in N days, or finished', () => {
    expect(planPosition(START, START)).toEqual({ kind: 'active', day: 1 });
    expect(planPosition(START, onDay(21))).toEqual({ kind: 'active', day: 21 });
    expect(planPosition(START, onDay(90))).toEqual({ kind: 'active', day: 90 });
    expect(planPosition(START, onDay(91))).toEqual({ kind: 'finished', daysSinceEnd: 1 });
    expect(planPosition(START, '2026-10-30')).toEqual({ kind: 'upcoming', startsInDays: 3 });
    expect(positionLabel(planPosition(START, onDay(21)))).toBe('Day 21 of 90');
    expect(positionLabel(planPosition(START, '2026-11-01'))).toBe('Starts tomorrow');
    expect(positionLabel(planPosition(START, '2026-10-30'))).toBe('Starts in 3 days');
    expect(positionLabel(planPosition(START, onDay(120)))).toMatch(/Finished/);
  });

  it('speaks of the start date in the future before day 1 and in the past from day 1', () => {
    const day = formatLongDay(START);
    expect(startLabel(START, '2026-10-30')).toBe(`Starts on ${day}`);
    expect(startLabel(START, START)).toBe(`Started on ${day}`);
    expect(startLabel(START, onDay(40))).toBe(`Started on ${day}`);
  });
});

describe('due lists', () => {
  it('due this week is open tasks due today through the next six days, soonest first', () => {
    const today = onDay(10);
    const tasks = [task(9), task(10), task(16), task(17), task(12, true), task(11)];
    const week = dueThisWeek(tasks, START, today);
    expect(week.map((t) => t.dueDay)).toEqual([10, 11, 16]);
    expect(week.every((t) => t.daysFromToday >= 0 && t.daysFromToday < DUE_WINDOW_DAYS)).toBe(true);
    expect(overdueTasks(tasks, START, today).map((t) => [t.dueDay, t.daysFromToday])).toEqual([[9, -1]]);
  });

  it('the next due task is the earliest open one', () => {
    expect(nextDueTask([task(20), task(5, true), task(12)])?.dueDay).toBe(12);
    expect(nextDueTask([task(5, true)])).toBeNull();
  });
});

describe('RAG status', () => {
  it('a future start date is Green and "Not started", whatever the tasks', () => {
    const rag = planRag([task(1), task(2)], START, '2026-10-25');
    expect(rag.level).toBe('green');
    expect(rag.label).toBe('Not started');
    expect(rag.notStarted).toBe(true);
    expect(rag.reasons[0]!.text).toMatch(/starts in 8 days/);
  });

  it('is Green when nothing is overdue or due soon and progress keeps pace', () => {
    // Day 10: 9 days elapsed = 10 % expected; 1 of 4 done = 25 %.
    const rag = planRag([task(1, true), task(20), task(40), task(80)], START, onDay(10));
    expect(rag).toMatchObject({ level: 'green', label: 'On track', expectedPercent: 10, actualPercent: 25 });
  });

  it('an open task overdue by 1 to the grace period is Amber; one day more is Red', () => {
    const atGrace = planRag([task(10), task(80, true)], START, onDay(10 + RAG_OVERDUE_GRACE_DAYS));
    expect(atGrace.level).toBe('amber');
    expect(atGrace.reasons.some((r) => r.level === 'amber' && /grace period/.test(r.text))).toBe(true);
    const oneDayLate = planRag([task(10), task(80, true)], START, onDay(11));
    expect(oneDayLate.level).toBe('amber');
    const beyond = planRag([task(10), task(80, true)], START, onDay(10 + RAG_OVERDUE_GRACE_DAYS + 1));
    expect(beyond.level).toBe('red');
    expect(beyond.label).toBe('Off track');
    expect(beyond.reasons[0]!.text).toMatch(/more than the 3-day grace period/);
  });

  it('counts overdue days in calendar days across a weekend', () => {
    // Due Friday (day 5); the next Tuesday (day 9) is 4 calendar days later: beyond the grace period.
    expect(isWeekend(onDay(6))).toBe(true);
    expect(planRag([task(5), task(80, true)], START, onDay(9)).level).toBe('red');
    // A task due on Saturday (day 6) is already overdue on Sunday.
    expect(planRag([task(6), task(80, true)], START, onDay(7)).level).toBe('amber');
  });

  it('an open task due today or within the due-soon window is Amber; just outside it is not', () => {
    const base = [task(1, true)];
    expect(planRag([...base, task(10)], START, onDay(10)).level).toBe('amber');
    expect(planRag([...base, task(10 + RAG_DUE_SOON_DAYS)], START, onDay(10)).level).toBe('amber');
    expect(planRag([...base, task(10 + RAG_DUE_SOON_DAYS + 1)], START, onDay(10)).level).toBe('green');
    // Done tasks due soon do not count.
    expect(planRag([...base, task(10, true), task(40)], START, onDay(10)).level).toBe('green');
  });

  it('behind by more than the Amber margin is Amber; by more than the Red margin, Red; exactly at a margin is not', () => {
    // 10 tasks, all due at day 90 (nothing overdue or due soon): only progress vs time matters.
    const tasks = (done: number) => Array.from({ length: 10 }, (_, i) => task(90, i < done));
    // Day 46: 45 days elapsed = 50 % expected.
    const day46 = onDay(46);
    expect(expectedPercent(START, day46)).toBe(50);
    expect(planRag(tasks(4), START, day46)).toMatchObject({ level: 'green', behindPoints: RAG_AMBER_BEHIND_POINTS });
    expect(planRag(tasks(3), START, day46)).toMatchObject({ level: 'amber', behindPoints: 20 });
    expect(20).toBe(RAG_RED_BEHIND_POINTS); // 20 points behind is still Amber: Red is *more than* 20
    expect(planRag(tasks(2), START, day46)).toMatchObject({ level: 'red', behindPoints: 30 });
  });

  it('the worst rule sets the colour and every rule that fired is listed', () => {
    // Three of six done keeps progress ahead of time, so only the task rules fire.
    const rag = planRag([task(2), task(20), task(21), task(80, true), task(81, true), task(82, true)], START, onDay(20));
    expect(rag.level).toBe('red');
    expect(rag.reasons.map((r) => r.level)).toEqual(['red', 'amber']);
  });

  it('a plan with no tasks is Green with a reason', () => {
    const rag = planRag([], START, onDay(50));
    expect(rag.level).toBe('green');
    expect(rag.reasons[0]!.text).toMatch(/no tasks/);
  });

  it('after day 90 the whole plan is expected done', () => {
    expect(expectedPercent(START, onDay(91))).toBe(100);
    expect(expectedPercent(START, onDay(200))).toBe(100);
    expect(expectedPercent(START, '2026-10-01')).toBe(0);
    expect(planRag([task(90, true)], START, onDay(95)).level).toBe('green');
  });

  it('the rules printed on the page use the same constants', () => {
    const text = RAG_RULES.map((r) => r.rule).join(' ');
    expect(text).toContain(`${RAG_OVERDUE_GRACE_DAYS} days`);
    expect(text).toContain(`${RAG_RED_BEHIND_POINTS} percentage points`);
    expect(text).toContain(`${RAG_AMBER_BEHIND_POINTS} points`);
    expect(text).toContain(`next ${RAG_DUE_SOON_DAYS} days`);
    expect(text).toContain(`${PLAN_LENGTH_DAYS} days`);
  });
});

describe('history descriptions', () => {
  it('names what changed, with people, skills and KPIs by name', () => {
    const line = describeHistory(
      'task.updated',
      { title: 'Refresh dashboards', dueDay: 20, buddyUserId: null, skillId: null },
      { dueDay: 24, buddyUserId: 7, skillId: 'spreadsheets' },
      { people: new Map([[7, 'Tom Becker']]), skills: new Map([['spreadsheets', 'Spreadsheets']]) },
    );
    expect(line).toBe(
      'Changed due day from 20 to 24; buddy from none to “Tom Becker”; skill from none to “Spreadsheets” on “Refresh dashboards”',
    );
    expect(describeHistory('task.done', null, { title: 'A', note: 'ok' })).toBe('Checked off “A” with a note: ok');
    expect(describeHistory('task.removed', { title: 'B' }, null)).toBe('Removed “B”');
  });
});

describe('display helpers', () => {
  it('writes due dates with their weekday, so a weekend due date is visible', () => {
    expect(formatShortDay('2026-11-07')).toBe('Sat, Nov 7');
    expect(formatLongDay('2026-11-07')).toBe('Sat, Nov 7, 2026');
    expect(formatShortDay(dueDate(START, 6))).toBe('Sat, Nov 7');
  });

  it('says how far a due date is from today in words', () => {
    expect(relativeDue(0)).toBe('due today');
    expect(relativeDue(1)).toBe('due tomorrow');
    expect(relativeDue(3)).toBe('due in 3 days');
    expect(relativeDue(-1)).toBe('1 day overdue');
    expect(relativeDue(-4)).toBe('4 days overdue');
  });

  it('puts the plans needing attention first: Red, then Amber, then Green', () => {
    const levels = (['green', 'red', 'amber'] as const).slice().sort((a, b) => RAG_ORDER[a] - RAG_ORDER[b]);
    expect(levels).toEqual(['red', 'amber', 'green']);
  });

  it('turns stored tasks into states: done means it has a done time', () => {
    const at = new Date('2026-11-05T10:00:00Z');
    const rows = [
      { id: 1, title: 'A', dueDay: 3, doneAt: at, position: 10, owner: 'new-hire' as const },
      { id: 2, title: 'B', dueDay: 9, doneAt: null, position: 20, owner: 'buddy' as const },
    ];
    expect(taskStates(rows)).toEqual([
      { id: 1, title: 'A', dueDay: 3, done: true, position: 10, owner: 'new-hire' },
      { id: 2, title: 'B', dueDay: 9, done: false, position: 20, owner: 'buddy' },
    ]);
  });
});
