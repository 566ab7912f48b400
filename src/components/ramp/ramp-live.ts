// What the ramp islands share on one page: the changes made to its tasks since
// it loaded (checked off, renamed, moved to another day). The task islands
// write them, optimistically and then as the server answered; the status and
// due-list islands read them and recount with the domain's rules. Rendered on
// the server, every island starts from its props.
import { useSyncExternalStore } from 'react';
import type { RampOwner } from '#domain/ramp.ts';

export type TaskChange = Partial<{ done: boolean; title: string; dueDay: number; owner: RampOwner }>;

const changes = new Map<number, TaskChange>();
const listeners = new Set<() => void>();
let version = 0;

export function changeTask(taskId: number, change: TaskChange) {
  changes.set(taskId, { ...changes.get(taskId), ...change });
  version++;
  listeners.forEach((l) => l());
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The tasks with the changes made on this page. */
export function useLiveTasks<T extends { id: number }>(tasks: readonly T[]): T[] {
  useSyncExternalStore(
    subscribe,
    () => version,
    () => 0,
  );
  return tasks.map((t) => (changes.has(t.id) ? { ...t, ...changes.get(t.id) } : t));
}
