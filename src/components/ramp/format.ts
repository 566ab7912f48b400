// Display helpers shared by the ramp components (pure; calendar dates in UTC).
import type { RagStatus } from '#domain/ramp.ts';

const short = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
const long = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/** 'Sat, Nov 7': the weekday is always shown, so a due date on a weekend is visible. */
export const formatDue = (date: string) => short.format(new Date(`${date}T00:00:00Z`));
/** 'Sat, Nov 7, 2026' (print and plan headers). */
export const formatDueLong = (date: string) => long.format(new Date(`${date}T00:00:00Z`));

export const RAG_CLASS = { red: 'danger', amber: 'warn', green: 'ok' } as const;
export const RAG_COLOUR = { red: 'Red', amber: 'Amber', green: 'Green' } as const;

/** 'Red: Off track', the words always next to the colour. */
export const ragText = (rag: RagStatus) => `${RAG_COLOUR[rag.level]}: ${rag.label}`;

/** 'due today', '2 days overdue', 'due in 3 days'. */
export function relativeDue(daysFromToday: number): string {
  if (daysFromToday === 0) return 'due today';
  if (daysFromToday === 1) return 'due tomorrow';
  if (daysFromToday > 1) return `due in ${daysFromToday} days`;
  return daysFromToday === -1 ? '1 day overdue' : `${-daysFromToday} days overdue`;
}

/** Sort key so the plans that need attention come first. */
export const RAG_ORDER = { red: 0, amber: 1, green: 2 } as const;
