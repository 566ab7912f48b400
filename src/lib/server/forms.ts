// Helpers for HTML forms posted to on-demand pages (they must work without
// JavaScript): read the body, validate with zod, and give each field its first
// error so the page can show it next to the input and keep what was typed.
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;
export type FormValues = Record<string, string>;

/** The text fields of a posted form, or null when the body is not a form (e.g. JSON). */
export async function readForm(request: Request): Promise<FormValues | null> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data')) return null;
  try {
    const data = await request.formData();
    const values: FormValues = {};
    for (const [key, value] of data) if (typeof value === 'string') values[key] = value;
    return values;
  } catch {
    return null;
  }
}

/** First message per field; issues without a path go under "form". */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : 'form';
    errors[key] ??= issue.message;
  }
  return errors;
}

/** Values to put back into the form after an error: never passwords. */
export function keepTyped(values: FormValues | null): FormValues {
  if (!values) return {};
  return Object.fromEntries(Object.entries(values).filter(([key]) => !/password/i.test(key)));
}

export type Outcome<T> =
  | { ok: true; value: T }
  /** 404 when the actor may not even know the record exists; 403 when they may see it but not change it. */
  | { ok: false; status: 403 | 404; message: string }
  /** 400 for invalid input, 409 for a conflict such as a duplicate email. */
  | { ok: false; status: 400 | 409; message: string; fieldErrors: FieldErrors };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const notFound = (): Outcome<never> => ({ ok: false, status: 404, message: 'Not found.' });
export const forbidden = (message = 'You do not have permission to do that.'): Outcome<never> => ({
  ok: false,
  status: 403,
  message,
});
export const invalid = (fieldErrors: FieldErrors, message = 'Check the highlighted fields.', status: 400 | 409 = 400): Outcome<never> => ({
  ok: false,
  status,
  message,
  fieldErrors,
});

/** Parses a form against a schema into an Outcome. */
export function parseForm<S extends z.ZodType>(schema: S, values: FormValues): Outcome<z.infer<S>> {
  const result = schema.safeParse(values);
  return result.success ? ok(result.data) : invalid(fieldErrors(result.error));
}

/** A positive integer id from a URL or a hidden field; anything else is "no such record". */
export function parseId(raw: string | undefined | null): number | null {
  if (!raw || !/^[1-9][0-9]{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}
