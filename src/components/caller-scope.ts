// Astro hands a child component its caller's scoped-style attribute (data-astro-cid-…, value true)
// as a prop. A component that renders cells or badges on its caller's behalf puts it back on them,
// so the caller's scoped styles reach them as if written inline; an empty value renders the bare
// attribute, as Astro writes it on inline markup.
export function callerScope(props: object): Record<string, ''> {
  return Object.fromEntries(
    Object.keys(props)
      .filter((name) => name.startsWith('data-astro-cid-'))
      .map((name) => [name, '']),
  );
}
