// HTML forms posted to on-demand pages (they work without JavaScript): the
// posted fields and files, and what to put back into a form after an error.
import type { FormValues } from '#domain/fields.ts';
import { readCapped } from './body.ts';

/** Form bodies are small; the CSV import asks for more. */
export const MAX_FORM_BYTES = 1024 * 1024;

export type PostedForm = { values: FormValues; files: ReadonlyMap<string, File> };

/**
 * The fields of a posted form: 'not-a-form' when the body is something else
 * (JSON, say) or unreadable, 'too-large' past `maxBytes`.
 */
export async function readForm(request: Request, maxBytes = MAX_FORM_BYTES): Promise<PostedForm | 'not-a-form' | 'too-large'> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data')) return 'not-a-form';
  const bytes = await readCapped(request, maxBytes);
  if (bytes === null) return 'too-large';
  let data: FormData;
  try {
    data = await new Response(bytes as BodyInit, { headers: { 'content-type': type } }).formData();
  } catch {
    return 'not-a-form';
  }
  const values: FormValues = {};
  const files = new Map<string, File>();
  for (const [key, value] of data) {
    if (typeof value === 'string') values[key] = value;
    else files.set(key, value);
  }
  return { values, files };
}

/** Values to put back into the form after an error: never passwords. */
export function keepTyped(values: FormValues | null): FormValues {
  if (!values) return {};
  return Object.fromEntries(Object.entries(values).filter(([key]) => !/password/i.test(key)));
}
