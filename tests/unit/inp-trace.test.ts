// How the bench's inp section reads a Chromium trace (tests/bench/inp.mjs):
// EventTiming begin/end pairs grouped into interactions by interactionId,
// each labelled by the user-timing mark before it, its latency the longest of
// its events, and the renderer main thread's self time by event name.
import { describe, expect, it } from 'vitest';
import { interactionsFromTrace } from '../bench/inp.mjs';

const main = { pid: 10, tid: 7 };
const timing = (id: string, ts: number, end: number, type: string, interactionId: number) => [
  { ...main, ph: 'b', name: 'EventTiming', cat: 'devtools.timeline', ts, id2: { local: id }, args: { data: { type, interactionId } } },
  { ...main, ph: 'e', name: 'EventTiming', cat: 'devtools.timeline', ts: end, id2: { local: id } },
];
const task = (name: string, ts: number, dur: number, tid = main.tid) => ({ pid: main.pid, tid, ph: 'X', name, cat: 'toplevel', ts, dur });

const trace = [
  { ...main, ph: 'M', name: 'thread_name', args: { name: 'CrRendererMain' } },
  { pid: main.pid, tid: 9, ph: 'M', name: 'thread_name', args: { name: 'Compositor' } },
  { ...main, ph: 'R', name: 'inp:filter:type', cat: 'blink.user_timing', ts: 900 },
  // keydown 1,000-49,000 µs and keyup 60,000-70,000 µs: the interaction lasts 48 ms, not the 69 ms between them.
  ...timing('0x1', 1_000, 49_000, 'keydown', 5),
  ...timing('0x2', 60_000, 70_000, 'keyup', 5),
  // An event outside any interaction (a pointer move) is not one.
  ...timing('0x3', 80_000, 90_000, 'pointermove', 0),
  task('RunTask', 1_100, 30_000),
  task('ThreadControllerImpl::RunTask', 1_100, 29_900), // nested in the RunTask: one task, not two
  task('EventDispatch', 1_200, 20_000),
  task('FunctionCall', 1_300, 15_000),
  task('Layout', 22_000, 5_000),
  task('RunTask', 200_000, 90_000), // long after the interaction: not its task
  task('RunTask', 1_000, 60_000, 9), // another thread
  { ...main, ph: 'R', name: 'inp:filter:clear', cat: 'blink.user_timing', ts: 300_000 },
  ...timing('0x4', 301_000, 317_000, 'keydown', 6),
];

describe('interactionsFromTrace', () => {
  const { interactions, eventTimingPairs } = interactionsFromTrace(trace);

  it('groups EventTiming pairs by interactionId, longest event first, labelled by the mark before them', () => {
    expect(eventTimingPairs).toBe(4);
    expect(interactions.map((i) => [i.label, i.interactionId, i.durationMs])).toEqual([
      ['filter:type', 5, 48],
      ['filter:clear', 6, 16],
    ]);
    expect(interactions[0]!.types).toEqual(['keydown', 'keyup']);
  });

  it("names the main thread's tasks in the interaction's window and their self time", () => {
    expect(interactions[0]!.longestTasks).toEqual([{ atMs: 0.1, ms: 30 }]);
    expect(interactions[0]!.mainThreadSelfTime).toEqual([
      { name: 'FunctionCall', ms: 15 },
      { name: 'EventDispatch', ms: 5 },
      { name: 'Layout', ms: 5 },
      { name: 'ThreadControllerImpl::RunTask', ms: 4.9 },
      { name: 'RunTask', ms: 0.1 },
    ]);
    expect(interactions[1]!.longestTasks).toEqual([]);
  });
});
