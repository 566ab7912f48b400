// The organisation's data version (org_data_versions, moved by triggers from
// migration 0008), and a small per-process cache of results computed from
// that data. An entry is served only while the version it was computed at is
// still the current one, so a change made through any process or host shows
// at once; the cache only saves recomputing what has not changed.
import { eq } from 'drizzle-orm';
import type { Executor } from './db/client.ts';
import { orgDataVersions } from './db/schema.ts';

/** The current version; 0 for an organisation without a row yet (never cached against: see VersionedCache.get). */
export async function orgDataVersion(db: Executor, orgId: number): Promise<number> {
  const [row] = await db.select({ version: orgDataVersions.version }).from(orgDataVersions).where(eq(orgDataVersions.orgId, orgId));
  return row?.version ?? 0;
}

type Entry<V> = { version: number; value: V; size: number };

/**
 * Least-recently-used, bounded by entry count and by total size (the caller
 * says what an entry weighs, e.g. its bytes). Keys must include everything the
 * value depends on besides the data version: who asks and with what filters.
 */
export class VersionedCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  #size = 0;
  readonly maxEntries: number;
  readonly maxSize: number;

  constructor(maxEntries: number, maxSize: number) {
    this.maxEntries = maxEntries;
    this.maxSize = maxSize;
  }

  get(key: string, version: number): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.version !== version || version === 0) {
      this.#delete(key, entry);
      return undefined;
    }
    // Re-insert: Map keeps insertion order, so the first key is the least recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, version: number, value: V, size: number): void {
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    if (version === 0 || size > this.maxSize) return;
    this.#entries.set(key, { version, value, size });
    this.#size += size;
    for (const [k, e] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#size <= this.maxSize) break;
      this.#delete(k, e);
    }
  }

  get size(): number {
    return this.#size;
  }

  get count(): number {
    return this.#entries.size;
  }

  #delete(key: string, entry: Entry<V>) {
    this.#entries.delete(key);
    this.#size -= entry.size;
  }
}
