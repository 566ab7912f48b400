// List state for searched, paged lists: keyset cursors and the query string
// that carries them. A cursor names the last (or first) row of a page by its
// sort key plus its id, so a page is "the next N rows after this key" rather
// than "rows 500-550": rows added or removed while someone pages neither
// repeat nor skip a row, and the database walks an index from the key instead
// of counting past every earlier row. Pure (zod only).
import { z } from 'zod';

/** Rows per page of the organisation-wide lists. */
export const PAGE_SIZE = 50;

/** A position in a list ordered by (key, id): the id breaks ties between equal keys, so the order is total and stable. */
export type Cursor = { key: string; id: number };

const cursorShape = z.tuple([z.string().max(200), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)]);

/** An opaque, URL-safe token for a cursor (base64url of a small JSON pair). */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id]), 'utf8').toString('base64url');
}

/** The cursor a token names, or null for anything a link of ours could not have carried (a tampered or truncated token starts again at the top). */
export function decodeCursor(token: string | null | undefined): Cursor | null {
  if (!token || token.length > 400 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? { key: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}

/** Which way a page is read from its cursor: after it (next) or before it (previous). */
export type PageRequest = { cursor: Cursor | null; direction: 'after' | 'before'; limit: number };

/** A search box's text: trimmed, at most 100 characters, null when empty. */
export const searchText = z
  .string()
  .optional()
  .transform((v) => (v ?? '').normalize('NFC').trim().slice(0, 100))
  .transform((v) => (v === '' ? null : v));

/** The list state every paged page shares: `q` (the search), `after` or `before` (a cursor token). */
export const listQuerySchema = z.object({ q: searchText, after: z.string().optional(), before: z.string().optional() });

export type ListQuery = { q: string | null; page: PageRequest };

/** Reads q/after/before from a query string; an unreadable cursor is the first page. */
export function parseListQuery(params: URLSearchParams, limit = PAGE_SIZE): ListQuery {
  const raw = listQuerySchema.parse({
    q: params.get('q') ?? undefined,
    after: params.get('after') ?? undefined,
    before: params.get('before') ?? undefined,
  });
  const before = decodeCursor(raw.before);
  if (before) return { q: raw.q, page: { cursor: before, direction: 'before', limit } };
  return { q: raw.q, page: { cursor: decodeCursor(raw.after), direction: 'after', limit } };
}

/** One page of rows and the cursors of its neighbours (null where there is none). */
export type Page<T> = { items: T[]; next: Cursor | null; previous: Cursor | null };

/**
 * The page from rows a query read with `limit + 1` in the request's direction
 * (descending for "before"): the extra row only says whether there is more.
 */
export function pageFromRows<T>(rows: readonly T[], request: PageRequest, keyOf: (row: T) => Cursor): Page<T> {
  const more = rows.length > request.limit;
  const kept = rows.slice(0, request.limit);
  const items = request.direction === 'before' ? [...kept].reverse() : kept;
  const first = items[0];
  const last = items.at(-1);
  if (request.direction === 'after') {
    return { items, next: more && last ? keyOf(last) : null, previous: request.cursor && first ? keyOf(first) : null };
  }
  return { items, next: last ? keyOf(last) : null, previous: more && first ? keyOf(first) : null };
}

/** Compares two cursors in list order (the key as SQLite's NOCASE collation sorts it, then the id). */
export function compareCursors(a: Cursor, b: Cursor): number {
  const ka = nocase(a.key);
  const kb = nocase(b.key);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.id - b.id;
}

/**
 * Whether `text` starts with `prefix` as the SQL prefix search reads it (NOCASE
 * range): for an export that filters rows it already holds by the page's `q`.
 */
export const startsWithNocase = (text: string, prefix: string) => nocase(text).startsWith(nocase(prefix));

/** SQLite's NOCASE folds ASCII letters only, then compares code units: the same here. */
const nocase = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** The upper bound of a prefix range: every string that starts with `prefix` sorts below it. */
export const prefixUpperBound = (prefix: string) => `${prefix}\u{10FFFF}`;

/**
 * The address of a neighbouring page: the current query string with its
 * filters kept, the old cursor dropped and the new one set.
 */
export function pageHref(path: string, params: URLSearchParams, direction: 'after' | 'before', cursor: Cursor): string {
  const next = new URLSearchParams(params);
  next.delete('after');
  next.delete('before');
  next.set(direction, encodeCursor(cursor));
  return `${path}?${next}`;
}

/**
 * A page of a list already held in memory (computed rows such as due reminders,
 * which no index can order): the rows in cursor order, then the same keyset
 * rule as the SQL lists, so the links and cursors work the same way.
 */
export function pageOfRows<T>(rows: readonly T[], request: PageRequest, keyOf: (row: T) => Cursor): Page<T> {
  const sorted = [...rows].sort((a, b) => compareCursors(keyOf(a), keyOf(b)));
  const { cursor, direction, limit } = request;
  const read =
    direction === 'after'
      ? sorted.filter((r) => !cursor || compareCursors(keyOf(r), cursor) > 0)
      : sorted.filter((r) => compareCursors(keyOf(r), cursor!) < 0).reverse();
  return pageFromRows(read.slice(0, limit + 1), request, keyOf);
}
