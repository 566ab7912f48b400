// How the RAG status is shown by the ramp components and pages (dates are
// written by #domain/calendar.ts, due texts by #domain/ramp.ts).
import { OWNER_LABELS, dueDate, type RagStatus, type RampOwner } from '#domain/ramp.ts';
import { formatShortDay } from '#domain/calendar.ts';

export const RAG_CLASS = { red: 'danger', amber: 'warn', green: 'ok' } as const;
export const RAG_COLOUR = { red: 'Red', amber: 'Amber', green: 'Green' } as const;

/** 'Red: Off track', the words always next to the colour. */
export const ragText = (rag: RagStatus) => `${RAG_COLOUR[rag.level]}: ${rag.label}`;

/** The line under a task's title: "Due Nov 4 (day 15) · Buddy: Ana Pop · Skill: …". */
export function taskMeta(
  t: { dueDay: number; owner: RampOwner; buddyName: string | null; extras: readonly string[] },
  startDate: string,
): string {
  return [
    `Due ${formatShortDay(dueDate(startDate, t.dueDay))} (day ${t.dueDay})`,
    `${OWNER_LABELS[t.owner]}${t.owner === 'buddy' ? `: ${t.buddyName ?? 'no one named yet'}` : ''}`,
    ...t.extras,
  ].join(' · ');
}
