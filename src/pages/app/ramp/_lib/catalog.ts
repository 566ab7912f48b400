// Ramp content for the pages, from the collections Astro bundled at build time
// (the running server needs no content/ folder): templates, the skill and KPI
// names tasks link to, and the playbook's RAG guide the status rules follow.
import { getCollection, getEntry } from 'astro:content';
import { ROLE_SLUGS } from '#content/schema.ts';
import type { RampCatalog } from '#server/ramp.ts';

let cached: Promise<RampCatalog> | undefined;

export function rampCatalog(): Promise<RampCatalog> {
  cached ??= (async () => {
    const [ramp, skills, kpis] = await Promise.all([getCollection('ramp'), getCollection('skills'), getCollection('kpis')]);
    const order = (role: string) => ROLE_SLUGS.indexOf(role as (typeof ROLE_SLUGS)[number]);
    return {
      templates: ramp.map((e) => e.data).sort((a, b) => order(a.role) - order(b.role)),
      skills: new Map(skills.map((s) => [s.id, s.data.name] as const).sort((a, b) => a[1].localeCompare(b[1]))),
      kpis: new Map(kpis.map((k) => [k.id, k.data.name] as const).sort((a, b) => a[1].localeCompare(b[1]))),
    };
  })();
  return cached;
}

/** The playbook's RAG guide (Red / Amber / Green meanings), or null if the playbook lacks it. */
export async function ragGuide() {
  const entry = await getEntry('templates', 'rag-guide');
  return entry?.data ?? null;
}
