// The context an action runs in, for tests that call features directly: the
// organisation's date is derived from `now` the way actionContext does it.
import type { Actor } from '#domain/access.ts';
import { organisationToday } from '#domain/calendar.ts';
import type { ActionContext } from '#server/request/context.ts';

export const testContext = (actor: Actor, now = new Date(), ip: string | null = null, timeZone = 'UTC'): ActionContext => ({
  actor,
  ip,
  now,
  today: organisationToday(now, timeZone),
});
