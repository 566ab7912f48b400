// The 'inp' bench section (issue 18): interaction to next paint on the admin's
// whole-organisation matrix of the 500 people x 60 skills organisation that
// fixtures.mjs seeds (seedSkillsBenchmarkOrg, as the browser test
// 'an organisation of 500 people x 60 skills' does), in /usr/bin/chromium
// through playwright-core.
//
// The island is brought in as a reader does (the pointer over the heatmap),
// then, under a CDP trace, the keyboard does:
//   filter change  type one letter into "Find a person", then Backspace
//   rating edit    Enter on a cell (the dialog opens), ArrowDown (the next
//                  level), Enter (Save rating: optimistic, the grid redraws)
// several times each. Every key press is one interaction. Its duration is
// read from the trace's EventTiming events (begin/end pairs per event; an
// interaction is the longest of its events, grouped by interactionId), and
// cross-checked with the Event Timing API in the page (PerformanceObserver
// 'event', durationThreshold 16, interactionId > 0), which also gives each
// worst interaction's input delay, processing and presentation delay. With
// fewer than 50 interactions INP is the worst one; p75 is reported beside it.
// Where an interaction is slow, the renderer main thread's longest tasks in
// its window (trace RunTask) and their self time by trace event name say
// where the time went.
// Then the same, fewer times, with the CPU throttled 4x (CDP
// Emulation.setCPUThrottlingRate, as Lighthouse's mobile run does): noted,
// not a target.
//   BENCH_INP_TRACE=/tmp/inp-trace.json   also writes the unthrottled trace (opens in DevTools' Performance panel)
/* global document, window, requestAnimationFrame */
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/chromium.mjs';
import { percentile } from './lib.mjs';

export const INP_TARGET_MS = 200;
const REPETITIONS = 5;
const THROTTLED_REPETITIONS = 3;
const CPU_THROTTLING = 4;
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink.user_timing'];
/** Grid columns before the first skill (name, gap), as MatrixGrid counts them. */
const FIRST_SKILL = 2;
const MARK = 'inp:';

const round1 = (n) => (n === null || n === undefined ? null : Math.round(n * 10) / 10);
const worstAndP75 = (values) => {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  return { n: sorted.length, worst: round1(sorted.at(-1) ?? null), p75: round1(percentile(sorted, 75)) };
};

/** Waits until what the key press asked for has been drawn, then for two frames and a quiet moment, so interactions never overlap. */
async function settle(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 250)))));
}

/** The admin's matrix with the island in and an Event Timing observer listening. */
async function openMatrix(context, base) {
  const page = await context.newPage();
  const response = await page.goto(`${base}/app/skills/`, { waitUntil: 'load', timeout: 120_000 });
  if (response?.status() !== 200 || !page.url().startsWith(`${base}/app/skills/`))
    throw new Error(`admin's matrix: HTTP ${response?.status()} at ${page.url()}`);
  await page.locator('#matrix-heatmap').hover({ position: { x: 5, y: 5 } });
  await page.locator('table[data-island]').waitFor({ timeout: 120_000 });
  await page.waitForLoadState('networkidle');
  await settle(page);
  const drawn = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('table[data-island] tbody tr[data-p]')];
    window.__inpEntries = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.interactionId > 0)
          window.__inpEntries.push({
            name: e.name,
            interactionId: e.interactionId,
            startTime: e.startTime,
            processingStart: e.processingStart,
            processingEnd: e.processingEnd,
            duration: e.duration,
          });
      }
    }).observe({ type: 'event', durationThreshold: 16 });
    return {
      rows: rows.length,
      editableRows: rows.map((r, i) => (r.hasAttribute('data-readonly') ? -1 : i)).filter((i) => i >= 0),
      skills: document.querySelectorAll('table[data-island] thead th.sk').length,
      cells: document.querySelectorAll('table[data-island] tbody td.c').length,
      // The letter that leaves the fewest people shown (but some): typing it removes most rows, Backspace draws them all again.
      letter: (() => {
        const texts = rows.map((r) => (r.querySelector('th')?.textContent ?? '').toLowerCase());
        let best = null;
        for (const ch of 'abcdefghijklmnopqrstuvwxyz') {
          const n = texts.filter((t) => t.includes(ch)).length;
          if (n > 0 && (best === null || n < best.n)) best = { ch, n };
        }
        return best;
      })(),
    };
  });
  if (drawn.rows === 0 || drawn.skills === 0 || !drawn.letter || drawn.editableRows.length === 0)
    throw new Error(`the matrix island drew ${drawn.rows} rows x ${drawn.skills} skills`);
  return { page, drawn };
}

/** One labelled key press: a user-timing mark first (the trace and the page both see it), then the key, then what it should draw. */
async function press(page, steps, label, key, drawnWhen) {
  await page.evaluate((name) => performance.mark(name), MARK + label);
  await page.keyboard.press(key);
  await drawnWhen();
  await settle(page);
  steps.push(label);
}

async function filterChanges(page, drawn, steps, repetitions) {
  const count = () => page.locator('table[data-island] tbody tr[data-p]').count();
  const rowsAre = (n) => page.waitForFunction((k) => document.querySelectorAll('table[data-island] tbody tr[data-p]').length === k, n);
  await page.locator('#matrix-find').focus();
  await settle(page);
  for (let i = 0; i < repetitions; i++) {
    await press(page, steps, 'filter:type', drawn.letter.ch, () => rowsAre(drawn.letter.n));
    await press(page, steps, 'filter:clear', 'Backspace', () => rowsAre(drawn.rows));
  }
  if ((await count()) !== drawn.rows) throw new Error('the filter did not come back to every row');
}

async function ratingEdits(page, drawn, steps, repetitions, offset) {
  const skills = drawn.skills;
  for (let i = 0; i < repetitions; i++) {
    const row = drawn.editableRows[(offset + i * 7) % drawn.editableRows.length];
    const col = FIRST_SKILL + ((offset + i * 11) % skills);
    await page.locator(`[data-cell="${row}:${col}"]`).focus();
    await settle(page);
    const statusBefore = await page.locator('#matrix-status').textContent();
    await press(page, steps, 'rating:open', 'Enter', () =>
      page.waitForFunction(() => {
        const d = document.getElementById('rating-editor');
        return d?.open && document.activeElement?.getAttribute('name') === 'level';
      }),
    );
    const levelBefore = await page.evaluate(() => document.activeElement?.getAttribute('value'));
    await press(page, steps, 'rating:choose', 'ArrowDown', () =>
      page.waitForFunction((before) => {
        const el = document.activeElement;
        return el?.getAttribute('name') === 'level' && el.getAttribute('value') !== before && el.checked;
      }, levelBefore),
    );
    await press(page, steps, 'rating:save', 'Enter', () => page.waitForFunction(() => !document.getElementById('rating-editor')?.open));
    // The server's answer redraws the status: wait for it outside any measured interaction.
    await page.waitForFunction(
      (before) => {
        const text = document.getElementById('matrix-status')?.textContent ?? '';
        return document.querySelector('.matrix-refusal') !== null || (text.startsWith('Saved.') && text !== before);
      },
      statusBefore,
      { timeout: 30_000 },
    );
    const refused = await page
      .locator('.matrix-refusal')
      .textContent()
      .catch(() => null);
    if (refused) throw new Error(`the rating was refused: ${refused}`);
    await settle(page);
  }
}

/** Runs `body` under a CDP trace and returns the trace's events. */
async function traced(page, body) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => {
    for (const e of value) events.push(e);
  });
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { recordMode: 'recordAsMuchAsPossible', includedCategories: CATEGORIES },
  });
  try {
    await body(cdp);
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach().catch(() => {});
  }
  return events;
}

/** B/E pairs made complete events, per thread, so nested durations can be subtracted. */
function completeEvents(events, pid, tid) {
  const out = [];
  const open = [];
  for (const e of events) {
    if (e.pid !== pid || e.tid !== tid) continue;
    if (e.ph === 'X' && typeof e.dur === 'number') out.push({ name: e.name, ts: e.ts, dur: e.dur });
    else if (e.ph === 'B') open.push(e);
    else if (e.ph === 'E') {
      const b = open.pop();
      if (b) out.push({ name: b.name, ts: b.ts, dur: e.ts - b.ts });
    }
  }
  return out.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
}

/** Self time (its duration less its children's) by trace event name, over the given top-level tasks. */
function selfTimes(tasks, all) {
  const totals = new Map();
  for (const task of tasks) {
    const inside = all.filter((e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
    const stack = [];
    const self = new Map();
    for (const e of inside) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      if (stack.length) self.set(stack.at(-1), (self.get(stack.at(-1)) ?? 0) - e.dur);
      self.set(e, (self.get(e) ?? 0) + e.dur);
      stack.push(e);
    }
    for (const [e, t] of self) totals.set(e.name, (totals.get(e.name) ?? 0) + t);
  }
  return [...totals]
    .filter(([, t]) => t > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, t]) => ({ name, ms: round1(t / 1000) }));
}

/**
 * Interactions from the trace: EventTiming begin/end pairs grouped by interactionId, each labelled with
 * the latest inp: mark before it, and the main thread's tasks overlapping it.
 */
export function interactionsFromTrace(events) {
  const timing = events.filter((e) => e.name === 'EventTiming' && (e.ph === 'b' || e.ph === 'e'));
  const key = (e) => `${e.pid}:${e.id ?? e.id2?.local ?? e.id2?.global}`;
  const begins = new Map();
  const pairs = [];
  for (const e of timing.sort((a, b) => a.ts - b.ts)) {
    if (e.ph === 'b') begins.set(key(e), e);
    else {
      const b = begins.get(key(e));
      if (!b) continue;
      begins.delete(key(e));
      const data = b.args?.data ?? {};
      pairs.push({ pid: b.pid, type: data.type, interactionId: data.interactionId ?? 0, start: b.ts, end: e.ts, reported: data.duration });
    }
  }
  const marks = events
    .filter((e) => typeof e.name === 'string' && e.name.startsWith(MARK) && e.cat?.includes('blink.user_timing'))
    .map((e) => ({ label: e.name.slice(MARK.length), ts: e.ts }))
    .sort((a, b) => a.ts - b.ts);
  const byId = new Map();
  for (const p of pairs.filter((p) => p.interactionId > 0)) {
    const i = byId.get(p.interactionId) ?? {
      interactionId: p.interactionId,
      pid: p.pid,
      start: p.start,
      end: p.end,
      longest: 0,
      types: [],
    };
    i.start = Math.min(i.start, p.start);
    i.end = Math.max(i.end, p.end);
    // The interaction's latency is its longest event (keydown and keyup are timed apart), as the Event Timing API counts it.
    i.longest = Math.max(i.longest, p.end - p.start);
    i.types.push(p.type);
    byId.set(p.interactionId, i);
  }
  const pid = pairs[0]?.pid;
  const mainTid = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain')?.tid;
  const main = pid !== undefined && mainTid !== undefined ? completeEvents(events, pid, mainTid) : [];
  // Top-level tasks only: RunTask and ThreadControllerImpl::RunTask nest one in the other.
  const tasks = [];
  for (const e of main.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask')) {
    const outer = tasks.at(-1);
    if (!outer || e.ts >= outer.ts + outer.dur) tasks.push(e);
  }
  return {
    eventTimingPairs: pairs.length,
    interactions: [...byId.values()]
      .sort((a, b) => a.start - b.start)
      .map((i) => {
        const label = marks.filter((m) => m.ts <= i.start).at(-1)?.label ?? null;
        const overlapping = tasks.filter((t) => t.ts < i.end && t.ts + t.dur > i.start).sort((a, b) => b.dur - a.dur);
        return {
          label,
          interactionId: i.interactionId,
          types: i.types,
          durationMs: round1(i.longest / 1000),
          longestTasks: overlapping.slice(0, 3).map((t) => ({ atMs: round1((t.ts - i.start) / 1000), ms: round1(t.dur / 1000) })),
          mainThreadSelfTime: selfTimes(overlapping, main),
        };
      }),
  };
}

/** The page's own Event Timing entries, per interaction: the longest event and its three parts. */
async function pageInteractions(page) {
  const { entries, marks } = await page.evaluate(
    (prefix) => ({
      entries: window.__inpEntries,
      marks: performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith(prefix))
        .map((m) => ({ label: m.name.slice(prefix.length), at: m.startTime })),
    }),
    MARK,
  );
  const byId = new Map();
  for (const e of entries) {
    const seen = byId.get(e.interactionId);
    if (!seen || e.duration > seen.duration) byId.set(e.interactionId, e);
  }
  return new Map(
    [...byId].map(([id, e]) => [
      id,
      {
        durationMs: e.duration,
        label: marks.filter((m) => m.at <= e.startTime).at(-1)?.label ?? null,
        event: e.name,
        inputDelayMs: round1(e.processingStart - e.startTime),
        processingMs: round1(e.processingEnd - e.processingStart),
        presentationDelayMs: round1(e.startTime + e.duration - e.processingEnd),
      },
    ]),
  );
}

/** Interactions per step from the trace, the page's figures beside them. */
function summarise(trace, fromPage, steps) {
  const rows = trace.interactions.map((i) => ({ ...i, page: fromPage.get(i.interactionId) ?? null }));
  const unlabelled = rows.filter((r) => !r.label || !steps.includes(r.label)).length;
  const per = (prefix) => {
    const mine = rows.filter((r) => r.label?.startsWith(prefix));
    const stepNames = [...new Set(steps.filter((s) => s.startsWith(prefix)))];
    const worst = mine.reduce((w, r) => (w === null || r.durationMs > w.durationMs ? r : w), null);
    const matched = mine.filter((r) => r.page);
    return {
      pressed: steps.filter((s) => s.startsWith(prefix)).length,
      ...worstAndP75(mine.map((r) => r.durationMs)),
      steps: Object.fromEntries(
        stepNames.map((s) => [s.slice(prefix.length), worstAndP75(mine.filter((r) => r.label === s).map((r) => r.durationMs))]),
      ),
      eventTimingApi: {
        ...worstAndP75(matched.map((r) => r.page.durationMs)),
        maxDifferenceMs: round1(Math.max(0, ...matched.map((r) => Math.abs(r.page.durationMs - r.durationMs)))),
      },
      worstInteraction: worst,
    };
  };
  return { filter: per('filter:'), rating: per('rating:'), unlabelled, interactions: rows };
}

async function measure(browser, base, cookie, { repetitions, offset, throttle, keepTrace, untraced = false }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const [name, ...value] = cookie.split('=');
    await context.addCookies([{ name, value: value.join('='), url: base }]);
    const { page, drawn } = await openMatrix(context, base);
    const steps = [];
    if (untraced) {
      await filterChanges(page, drawn, steps, repetitions);
      await ratingEdits(page, drawn, steps, repetitions, offset);
      const fromPage = [...(await pageInteractions(page)).values()];
      const per = (prefix) => ({
        pressed: steps.filter((s) => s.startsWith(prefix)).length,
        ...worstAndP75(fromPage.filter((i) => i.label?.startsWith(prefix)).map((i) => i.durationMs)),
      });
      return { drawn, untraced: true, filter: per('filter:'), rating: per('rating:'), interactions: fromPage };
    }
    const events = await traced(page, async (cdp) => {
      if (throttle) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
      try {
        await filterChanges(page, drawn, steps, repetitions);
        await ratingEdits(page, drawn, steps, repetitions, offset);
      } finally {
        if (throttle) await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      }
    });
    if (keepTrace) writeFileSync(keepTrace, JSON.stringify({ traceEvents: events }));
    const trace = interactionsFromTrace(events);
    const summary = summarise(trace, await pageInteractions(page), steps);
    const sample = events.filter((e) => e.name === 'EventTiming').slice(0, 2);
    return {
      drawn,
      throttle: throttle ?? 1,
      traceEvents: events.length,
      eventTimingPairs: trace.eventTimingPairs,
      sampleEventTiming: sample,
      ...summary,
    };
  } finally {
    await context.close();
  }
}

const ms = (n) => (n === null ? 'n/a' : `${n} ms`);
/** "where the time goes" for the worst interaction: its three parts and the main thread's longest task and self times. */
function where(category) {
  const w = category.worstInteraction;
  if (!w) return 'no interaction recorded';
  const parts = w.page
    ? `input delay ${ms(w.page.inputDelayMs)}, processing ${ms(w.page.processingMs)}, presentation ${ms(w.page.presentationDelayMs)}`
    : 'under 16 ms in the page';
  const task = w.longestTasks[0] ? `longest task ${ms(w.longestTasks[0].ms)}` : 'no main-thread task';
  const self = w.mainThreadSelfTime
    .slice(0, 4)
    .map((s) => `${s.name} ${s.ms}`)
    .join(', ');
  return `worst is ${w.label} (${ms(w.durationMs)}): ${parts}; ${task}${self ? ` (self time: ${self} ms)` : ''}`;
}

/** The bench section: rows for the filter change, the rating edit, and both with the CPU throttled. */
export async function runInp({ base, cookie, row, results }) {
  const out = (results.sections.inp = {});
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, '--disable-sync', '--disable-quic'] });
  try {
    const plain = await measure(browser, base, cookie, { repetitions: REPETITIONS, offset: 0, keepTrace: process.env.BENCH_INP_TRACE });
    out.unthrottled = plain;
    const I = 'INP (Chromium trace)';
    const size = `${plain.drawn.rows} rows × ${plain.drawn.skills} skills drawn (${plain.drawn.cells} cells)`;
    const check = (c) =>
      `Event Timing API: worst ${ms(c.eventTimingApi.worst)} (${c.eventTimingApi.n} of ${c.n} at ≥ 16 ms, largest difference ${ms(c.eventTimingApi.maxDifferenceMs)})`;
    const complete = (c) => c.n === c.pressed && plain.unlabelled === 0;
    for (const [what, c, stepsText] of [
      [
        'INP filter change, 500 x 60',
        plain.filter,
        `type "${plain.drawn.letter.ch}" (${plain.drawn.letter.n} rows left) ${ms(plain.filter.steps.type?.worst)}, clear ${ms(plain.filter.steps.clear?.worst)}`,
      ],
      [
        'INP rating edit, 500 x 60',
        plain.rating,
        `open ${ms(plain.rating.steps.open?.worst)}, choose ${ms(plain.rating.steps.choose?.worst)}, save ${ms(plain.rating.steps.save?.worst)}`,
      ],
    ]) {
      row(
        I,
        what,
        `worst ${ms(c.worst)}, p75 ${ms(c.p75)} over ${c.n} interactions (${c.pressed} key presses; worst per step: ${stepsText}); ${check(c)}; ${size}; ${where(c)}`,
        `≤ ${INP_TARGET_MS} ms (worst interaction)`,
        complete(c) ? (c.worst <= INP_TARGET_MS ? 'yes' : 'NO') : `NO (${c.n} of ${c.pressed} interactions in the trace)`,
      );
    }
    // The tracer's own cost: the same presses with the page's Event Timing API alone.
    const bare = await measure(browser, base, cookie, { repetitions: THROTTLED_REPETITIONS, offset: 6, untraced: true });
    out.untraced = bare;
    row(
      I,
      "INP without the trace (Event Timing API alone, the tracer's cost), 500 x 60",
      `filter change worst ${ms(bare.filter.worst)}, p75 ${ms(bare.filter.p75)} (${bare.filter.n} of ${bare.filter.pressed} presses at ≥ 16 ms); rating edit worst ${ms(bare.rating.worst)}, p75 ${ms(bare.rating.p75)} (${bare.rating.n} of ${bare.rating.pressed})`,
      `≤ ${INP_TARGET_MS} ms (context for the rows above)`,
      bare.filter.worst <= INP_TARGET_MS && bare.rating.worst <= INP_TARGET_MS ? 'yes' : 'NO',
    );
    const slow = await measure(browser, base, cookie, { repetitions: THROTTLED_REPETITIONS, offset: 9, throttle: CPU_THROTTLING });
    out.throttled = slow;
    row(
      I,
      `INP with the CPU throttled ${CPU_THROTTLING}x (as Lighthouse mobile), 500 x 60`,
      `filter change worst ${ms(slow.filter.worst)}, p75 ${ms(slow.filter.p75)} (${slow.filter.n} interactions); rating edit worst ${ms(slow.rating.worst)}, p75 ${ms(slow.rating.p75)} (${slow.rating.n}); ${where(slow.rating.worst >= slow.filter.worst ? slow.rating : slow.filter)}`,
      'informational (the target is for this machine unthrottled)',
      '',
    );
  } finally {
    await browser.close();
  }
}
