// The people list's query: what the GET form's fields mean, the prefix range
// the index answers, and the keyset cursor. Pure, so the rules are tested
// without a database (decision 027).
import { z } from 'zod';
import { USER_ROLES } from './access.ts';

export const PERSON_STATUSES = ['active', 'deactivated', 'invited'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];
export const PERSON_STATUS_LABELS: Record<PersonStatus, string> = {
  active: 'Active',
  deactivated: 'Deactivated',
  invited: 'Invited, not accepted yet',
};

/** People per page: enough to scan, small enough that a page never costs more than one index range. */
export const PEOPLE_PAGE_SIZE = 50;

/**
 * The fold SQLite's lower() applies, which the index is built on: ASCII
 * letters only. Folding the query the same way keeps "ANA" and "ana" equal;
 * "Ș" and "ș" stay different (see decision 027).
 */
export const foldAscii = (text: string) => text.normalize('NFC').replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * The smallest string greater than every string starting with `prefix`, so
 * `key >= prefix AND key < upper` is the prefix as an index range. SQLite
 * compares text as UTF-8 bytes, which orders like code points.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return null;
}

/** Where a page ends: the last row's sort key (folded name, id). */
export type PeopleCursor = { name: string; id: number };

// base64url through btoa/atob, which the browser and Node share (this layer uses no Node API).
const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const fromBase64Url = (raw: string) =>
  new TextDecoder('utf-8', { fatal: true }).decode(
    Uint8Array.from(atob(raw.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
  );

export function encodeCursor(cursor: PeopleCursor): string {
  return toBase64Url(JSON.stringify([cursor.name, cursor.id]));
}

/** A cursor from a URL; anything malformed is the first page (null), never an error. */
export function decodeCursor(raw: string | undefined | null): PeopleCursor | null {
  if (!raw || raw.length > 600) return null;
  try {
    const value: unknown = JSON.parse(fromBase64Url(raw));
    const parsed = z.tuple([z.string().max(400), z.number().int().positive()]).safeParse(value);
    return parsed.success ? { name: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(blankToUndefined, z.enum(values).optional()).catch(undefined);
const optionalSlug = z
  .preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z0-9-]{1,60}$/)
      .optional(),
  )
  .catch(undefined);

/**
 * The list's URL parameters. A value that is not one of the choices is left
 * out rather than refused: a hand-edited or stale URL shows the list, not an error.
 */
export const peopleQuerySchema = z.object({
  q: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()).catch(undefined),
  team: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()).catch(undefined),
  role: optionalChoice(USER_ROLES),
  jobRole: optionalSlug,
  tier: optionalSlug,
  status: optionalChoice(PERSON_STATUSES),
  after: z.preprocess(blankToUndefined, z.string().optional()).catch(undefined),
});

export type PeopleQuery = {
  /** The folded search text; matched as a prefix of the name or of the email. */
  text: string | null;
  team: number | null;
  role: (typeof USER_ROLES)[number] | null;
  jobRole: string | null;
  tier: string | null;
  status: PersonStatus | null;
  after: PeopleCursor | null;
};

export function parsePeopleQuery(params: URLSearchParams | Record<string, string | undefined>): PeopleQuery {
  const raw = params instanceof URLSearchParams ? Object.fromEntries(params) : params;
  const v = peopleQuerySchema.parse(raw);
  const text = v.q ? foldAscii(v.q) : '';
  return {
    text: text === '' ? null : text,
    team: v.team ?? null,
    role: v.role ?? null,
    jobRole: v.jobRole ?? null,
    tier: v.tier ?? null,
    status: v.status ?? null,
    after: decodeCursor(v.after),
  };
}

/** The list's URL for a query, keeping every filter; `after` replaced (or dropped for the first page). */
export function peopleQueryString(query: Omit<PeopleQuery, 'after'> & { q?: string | null }, after: PeopleCursor | null): string {
  const params = new URLSearchParams();
  const q = query.q ?? query.text;
  if (q) params.set('q', q);
  if (query.team !== null) params.set('team', String(query.team));
  if (query.role) params.set('role', query.role);
  if (query.jobRole) params.set('jobRole', query.jobRole);
  if (query.tier) params.set('tier', query.tier);
  if (query.status) params.set('status', query.status);
  if (after) params.set('after', encodeCursor(after));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

// --- person pickers ------------------------------------------------------------------------

/** How many people a person picker offers at once: a list to choose from, never the organisation. */
export const PICKER_LIMIT = 25;

/**
 * A picker's search as typed (trimmed, at most 100 characters), or null for
 * none. It stays as typed so the field shows it back; queries fold it.
 */
export function pickerSearch(raw: string | null | undefined): string | null {
  const text = (raw ?? '').normalize('NFC').trim().slice(0, 100);
  return text === '' ? null : text;
}

/** What a picker offers: the matches (at most the limit), the chosen person, and whether a search would find others. */
export type Picked<P extends { id: number }> = {
  q: string | null;
  /** The matches by name, the chosen person first when they are not among them. */
  people: P[];
  /** How many of `people` match the search (the chosen person may not). */
  matched: number;
  more: boolean;
};

/**
 * A picker's answer from a query that read one row past the limit. The
 * chosen person is always offered, so an edit form keeps its value whatever
 * the search.
 */
export function pickedFrom<P extends { id: number }>(q: string | null, rows: readonly P[], limit: number, chosen: P | null): Picked<P> {
  const matches = rows.slice(0, limit);
  const people = chosen && !matches.some((p) => p.id === chosen.id) ? [chosen, ...matches] : matches;
  return { q, people, matched: matches.length, more: rows.length > limit };
}

/** The picker's status line: how much of the list is shown, in words. */
export function pickerStatus(picked: Pick<Picked<{ id: number }>, 'q' | 'matched' | 'more'>): string {
  const { q, matched, more } = picked;
  const which = q ? ` whose name or email starts with “${q}”` : '';
  if (matched === 0) return q ? `No one${which}.` : 'No one to choose from yet.';
  if (more) return `The first ${matched}${q ? which : ' by name'}; search to narrow the list.`;
  return `${matched} ${matched === 1 ? 'person' : 'people'}${which}.`;
}

/** Whether a person matches a folded picker search by name or email prefix (for lists already in memory). */
export function matchesPickerSearch(person: { displayName: string; email: string }, text: string | null): boolean {
  if (text === null) return true;
  const folded = foldAscii(text);
  return foldAscii(person.displayName).startsWith(folded) || foldAscii(person.email).startsWith(folded);
}
