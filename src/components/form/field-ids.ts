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
