// The ids and ARIA attributes that tie a field's hint and error to its
// control, so screen readers announce them: written once for every field.
export function fieldAria(id: string, has: { hint?: unknown; error?: unknown }) {
  const hintId = has.hint ? `${id}-hint` : undefined;
  const errorId = has.error ? `${id}-error` : undefined;
  return {
    hintId,
    errorId,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
    'aria-invalid': has.error ? ('true' as const) : undefined,
  };
}

/**
 * A form's state handed to its fields by name: each gets its id (prefixed when
 * several forms share a page), its name, what was typed and its error.
 */
export function fieldsOf(
  state: { values: Readonly<Record<string, string | undefined>>; errors: Readonly<Record<string, string | undefined>> },
  prefix?: string,
) {
  return (name: string) => ({
    id: prefix === undefined ? name : `${prefix}-${name}`,
    name,
    value: state.values[name],
    error: state.errors[name],
  });
}
