// The Outcome contract between a feature's public face and the pages and
// endpoints that call it (docs/decisions/: the Outcome contract). A read or an
// action never throws for something the user did: it answers what happened,
// and the caller turns that into a page, a redirect or a JSON body.
import type { z } from 'zod';

/** First message per form field; issues without a path go under "form". */
export type FieldErrors = Record<string, string>;

export type Refusal =
  /** 404 when the actor may not even know the record exists; 403 when they may see it but not do this. */
  | { ok: false; status: 403 | 404; message: string }
  /** 400 for invalid input, 409 for a conflict such as a duplicate email, 413 for a body too large. */
  | { ok: false; status: 400 | 409 | 413; message: string; fieldErrors: FieldErrors }
  /** Too many attempts: try again after this many seconds. */
  | { ok: false; status: 429; message: string; retryAfterSeconds: number };

export type Outcome<T> = { ok: true; value: T } | Refusal;

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const notFound = (): Refusal => ({ ok: false, status: 404, message: 'Not found.' });
export const forbidden = (message = 'You do not have permission to do that.'): Refusal => ({ ok: false, status: 403, message });
export const invalid = (fieldErrors: FieldErrors, message = 'Check the highlighted fields.', status: 400 | 409 | 413 = 400): Refusal => ({
  ok: false,
  status,
  message,
  fieldErrors,
});
export const throttled = (retryAfterSeconds: number, message = 'Too many attempts. Wait a minute, then try again.'): Refusal => ({
  ok: false,
  status: 429,
  message,
  retryAfterSeconds,
});

/** A refusal of the input (400, 409, 413): the form is shown again with its errors. */
export const isInputRefusal = (r: Refusal): r is Extract<Refusal, { fieldErrors: FieldErrors }> => 'fieldErrors' in r;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : 'form';
    errors[key] ??= issue.message;
  }
  return errors;
}

/** Parses input against a schema into an Outcome. */
export function parseInput<S extends z.ZodType>(schema: S, values: unknown): Outcome<z.infer<S>> {
  const result = schema.safeParse(values);
  return result.success ? ok(result.data) : invalid(fieldErrors(result.error));
}
