// Tier targets for the skills pages, from the role guides Astro bundled at
// build time (the running server needs no content/ folder).
import { loadRoles } from '#content/load.ts';
import { toLadder, type Ladder } from '#domain/skills.ts';

let cached: Promise<Ladder[]> | undefined;

export function ladders(): Promise<Ladder[]> {
  cached ??= loadRoles().then((roles) => roles.map((r) => toLadder(r.id, r.data)));
  return cached;
}
