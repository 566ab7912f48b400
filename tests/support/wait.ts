// Waiting on what the system under test says, never on the clock: a probe
// polled until it reports (a row that appears, a lock that is held, a log
// line), and a counter of events that can be awaited (acknowledged writes).
// A slow machine then only makes a test slower, not wrong.

/**
 * Polls `probe` until it returns something other than undefined or false, and
 * returns that. The interval is only how often to look; the timeout is a
 * safety net that fails the test with `what`, not a wait the test relies on.
 */
export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: { what?: string; timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const { what = 'a condition', timeoutMs = 30_000, everyMs = 10 } = options;
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A count of events (acknowledged writes, say) that a test can wait to reach. */
export class Counter {
  #value = 0;
  #waiting: { at: number; resolve: () => void }[] = [];

  get value() {
    return this.#value;
  }

  add(n = 1) {
    this.#value += n;
    this.#waiting = this.#waiting.filter((w) => (w.at <= this.#value ? (w.resolve(), false) : true));
  }

  /** Resolves once the count is at least `at` (at once if it already is). */
  reach(at: number): Promise<void> {
    if (this.#value >= at) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push({ at, resolve }));
  }
}
