// What needs doing now (DueLists.astro): open tasks overdue and due in the
// next days, each linking to its place in the checklist. An island on the
// checklist pages: a task checked off there leaves these lists at once.
import {
  DUE_WINDOW_DAYS,
  OWNER_LABELS,
  RAG_DUE_SOON_DAYS,
  dueThisWeek,
  overdueTasks,
  relativeDue,
  type OwnedTaskState,
} from '#domain/ramp.ts';
import { formatShortDay } from '#domain/calendar.ts';
import { useLiveTasks } from './ramp-live.ts';

interface Props {
  startDate: string;
  tasks: OwnedTaskState[];
  today: string;
  headingId: string;
}

export default function RampDue({ startDate, tasks: initial, today, headingId }: Props) {
  const tasks = useLiveTasks(initial);
  const overdue = overdueTasks(tasks, startDate, today);
  const week = dueThisWeek(tasks, startDate, today);
  return (
    <section aria-labelledby={headingId} className="ramp-due-section">
      <h2 id={headingId}>Due this week</h2>
      <p className="muted">
        Open tasks due today or in the next {DUE_WINDOW_DAYS - 1} days{overdue.length > 0 && ', and those already overdue'}.
      </p>
      {overdue.length > 0 && (
        <>
          <h3>Overdue</h3>
          <ul className="ramp-due" data-testid="overdue-list">
            {overdue.map((t) => (
              <li key={t.id}>
                <a href={`#task-${t.id}`}>{t.title}</a> <span className="badge danger">{relativeDue(t.daysFromToday)}</span>{' '}
                <span className="muted">
                  · due {formatShortDay(t.dueDate)} · {OWNER_LABELS[t.owner]}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {overdue.length > 0 && <h3>This week</h3>}
      {week.length === 0 ? (
        <p data-testid="due-week-empty">Nothing else is due in the next {DUE_WINDOW_DAYS} days.</p>
      ) : (
        <ul className="ramp-due" data-testid="due-week-list">
          {week.map((t) => (
            <li key={t.id}>
              <a href={`#task-${t.id}`}>{t.title}</a>{' '}
              <span className={`badge ${t.daysFromToday <= RAG_DUE_SOON_DAYS ? 'warn' : 'neutral'}`}>{relativeDue(t.daysFromToday)}</span>{' '}
              <span className="muted">
                · {formatShortDay(t.dueDate)} · {OWNER_LABELS[t.owner]}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
