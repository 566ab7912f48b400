// What the compliance islands share on one page (ADR 037): the month chosen on
// the expiry timeline, and the timeline of the rows the matrix shows now. The
// matrix island writes the timeline as its filters change and reads the month;
// the chart island reads both and writes the month. Before either runs, each
// starts from its props.
import { useSyncExternalStore } from 'react';

export type LiveMonth = { month: string; label: string; count: number };

let month: string | null = null;
let months: LiveMonth[] | null = null;
let version = 0;
const listeners = new Set<() => void>();
const changed = () => {
  version++;
  listeners.forEach((l) => l());
};

export function chooseMonth(next: string | null) {
  if (next === month) return;
  month = next;
  changed();
}

export function publishTimeline(next: LiveMonth[]) {
  if (months && next.length === months.length && next.every((m, i) => m.month === months![i]!.month && m.count === months![i]!.count))
    return;
  months = next;
  changed();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The chosen month and the live timeline (null until the matrix island has published one). */
export function useCompliance(): { month: string | null; months: LiveMonth[] | null } {
  useSyncExternalStore(
    subscribe,
    () => version,
    () => 0,
  );
  return { month, months };
}
