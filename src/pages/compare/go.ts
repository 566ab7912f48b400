// Turns the comparison form's query into the prerendered pair page, so the
// form works without JavaScript while the pages themselves stay static.
import type { APIRoute } from 'astro';
import { endpoint } from '#server/request/endpoint.ts';
import { ROLE_SLUGS } from '#content/schema.ts';
import { pickPair } from '#domain/roles.ts';

export const prerender = false;

const get: APIRoute = ({ url, redirect }) => {
  const [a, b] = pickPair(ROLE_SLUGS, url.searchParams.get('a'), url.searchParams.get('b'));
  return redirect(`/compare/${a}/${b}/`, 303);
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
