// Per-request values the app pages hand to the server modules.
import type { AstroGlobal } from 'astro';
import type { ActionContext } from '#server/teams.ts';
import type { SessionUser } from '#server/session.ts';
import { clientIp } from '#server/navigation.ts';

export function actionContext(Astro: AstroGlobal, actor: SessionUser): ActionContext {
  return { actor, ip: clientIp(Astro), now: new Date() };
}

/** Reads a one-word status from the query string after a redirect (PRG), only from a known list. */
export function doneNotice<K extends string>(url: URL, notices: Record<K, string>): string | null {
  const key = url.searchParams.get('done');
  return key && Object.hasOwn(notices, key) ? notices[key as K] : null;
}
