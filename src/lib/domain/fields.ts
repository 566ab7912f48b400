// Form field rules: the one place where a posted text field becomes a value,
// with one set of messages. Every form of every feature builds its zod schema
// from these, so "a web link", "a calendar date" or "a name" means the same
// thing, and says the same thing when wrong, on every page. Pure (zod only):
// the server validates with them and an island may too.
import { z } from 'zod';
import { EARLIEST_DATE, LATEST_DATE, isIsoDate } from './calendar.ts';

/** The text fields of a posted form (files aside; a repeated key keeps its last value). */
export type FormValues = Record<string, string>;

/** The one spelling of an email address that is stored and looked up: NFC, trimmed, lower-case. */
export const normaliseEmail = (email: string) => email.normalize('NFC').trim().toLowerCase();

/** A positive integer id from a URL or a hidden field; anything else is "no such record" (null). */
export function parseId(raw: string | number | undefined | null): number | null {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw > 0 ? raw : null;
  if (!raw || !/^[1-9][0-9]{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

/**
 * What a form sent with its person picker's Find (a GET of the whole form, decision 043), to put back
 * into it: the address's fields when they carry the form's intent, else null. Never a password.
 */
export function carriedForm(params: URLSearchParams, intent: string): FormValues | null {
  if (params.get('intent') !== intent) return null;
  return Object.fromEntries([...params].filter(([key]) => !/password/i.test(key)));
}

const tooLong = (max: number) => `Use at most ${max} characters.`;

/** Trimmed text that may be left empty (null then). */
export const optionalText = (max: number) =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .pipe(z.string().max(max, { error: tooLong(max) }))
    .transform((v) => (v === '' ? null : v));

/** Trimmed text that must be given: `missing` says what to enter ("Enter a team name."), `overLong` what is wrong with too much. */
export const requiredText = (max: number, missing: string, overLong = tooLong(max)) =>
  z.string({ error: missing }).trim().min(1, { error: missing }).max(max, { error: overLong });

/** A person's name as shown across the product. */
export const personName = requiredText(100, 'Enter a name.');

/** An email address, stored in its normalised spelling. */
export const emailAddress = z
  .string({ error: 'Enter an email address.' })
  .trim()
  .min(1, { error: 'Enter an email address.' })
  .max(254, { error: tooLong(254) })
  .pipe(z.email({ error: 'Enter an email address like name@example.com.' }))
  .transform(normaliseEmail);

/**
 * A web link that may be left empty (null then). Only http and https: a
 * javascript: or data: link would run when clicked.
 */
export const optionalWebLink = (max = 500) =>
  optionalText(max).refine(
    (v) => {
      if (v === null) return true;
      if (/\s/.test(v)) return false;
      try {
        const url = new URL(v);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
      } catch {
        return false;
      }
    },
    { error: 'Enter a web link that starts with https:// or http://, or leave it empty.' },
  );

const realDate = (v: string) => isIsoDate(v);
const inRange = (v: string) => v >= EARLIEST_DATE && v <= LATEST_DATE;
// Said next to a date picker, which shows dates in the browser's own format (31/03/2026, 03/31/2026…):
// a format string here would contradict it. Only an impossible date reaches this message.
const DATE_FORMAT = 'Pick a date that exists on the calendar.';
const DATE_RANGE = `Enter a date between ${EARLIEST_DATE.slice(0, 4)} and ${LATEST_DATE.slice(0, 4)}.`;

/** A calendar date that may be left empty (null then). */
export const optionalDate = () =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .refine((v) => v === '' || realDate(v), { error: DATE_FORMAT })
    .refine((v) => v === '' || inRange(v), { error: DATE_RANGE })
    .transform((v) => (v === '' ? null : v));

/** A calendar date that must be given: `missing` says which ("Enter a start date."). */
export const requiredDate = (missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, { error: missing })
    .refine(realDate, { error: DATE_FORMAT })
    .refine(inRange, { error: DATE_RANGE });

/** A checkbox that must be ticked (value "yes") before a step that cannot be undone in one click: `message` says what it confirms. */
export const ticked = (message: string) => z.literal('yes', { error: message });

/** One of a fixed list of choices (a select's values). */
export const choiceOf = <const T extends readonly [string, ...string[]]>(values: T, message: string) => z.enum(values, { error: message });

/** An id from a list the page offered (ids of a catalog, say): `isKnown` decides. */
export const idFromList = (isKnown: (id: string) => boolean, message: string) =>
  z.string({ error: message }).refine(isKnown, { error: message });

/** An optional id from a list: '' (or nothing) means none (null). */
export const optionalIdFromList = (isKnown: (id: string) => boolean, message: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!isKnown(v)) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return v;
    });

/** An optional record id from a select ('' means none): a number, or null. */
export const optionalRecordId = (message: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const id = parseId(v);
      if (id === null) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return id;
    });
