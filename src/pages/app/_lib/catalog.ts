// The job-role catalog for forms and labels, from the role guides Astro
// bundled at build time (so the running server needs no content/ folder).
import { loadRoles } from '#content/load.ts';
import { buildCatalog, type JobRoleCatalog } from '#server/job-roles.ts';

let cached: Promise<JobRoleCatalog> | undefined;

export function jobRoleCatalog(): Promise<JobRoleCatalog> {
  cached ??= loadRoles().then((roles) => buildCatalog(new Map(roles.map((r) => [r.id, r.data]))));
  return cached;
}
