// Turns the comparison form's query into the prerendered pair page, so the
// form works without JavaScript while the pages themselves stay static.
import type { APIRoute } from 'astro';
import { ROLE_SLUGS } from '#content/schema.ts';
import { pickPair } from '#domain/roles.ts';

export const prerender = false;

export const GET: APIRoute = ({ url, redirect }) => {
  const [a, b] = pickPair(ROLE_SLUGS, url.searchParams.get('a'), url.searchParams.get('b'));
  return redirect(`/compare/${a}/${b}/`, 303);
};
