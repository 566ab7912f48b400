// How the RAG status is shown by the ramp components and pages (dates are
// written by #domain/calendar.ts, due texts by #domain/ramp.ts).
import type { RagStatus } from '#domain/ramp.ts';

export const RAG_CLASS = { red: 'danger', amber: 'warn', green: 'ok' } as const;
export const RAG_COLOUR = { red: 'Red', amber: 'Amber', green: 'Green' } as const;

/** 'Red: Off track', the words always next to the colour. */
export const ragText = (rag: RagStatus) => `${RAG_COLOUR[rag.level]}: ${rag.label}`;
