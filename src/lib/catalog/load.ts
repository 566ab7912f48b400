// The catalogs of the running server, from the content collections Astro
// bundled at build time (so the server needs no content/ folder and no YAML
// parser). Built once per process. The only module that reads astro:content.
import { getCollection, getEntry, render } from 'astro:content';
import { buildCatalogs, type Catalogs } from './catalogs.ts';

let cached: Promise<Catalogs> | undefined;

export function catalogs(): Promise<Catalogs> {
  cached ??= (async () => {
    const [roles, skills, certifications, kpis, templates, ramp, salaries, fx, ladder] = await Promise.all([
      getCollection('roles'),
      getCollection('skills'),
      getCollection('certifications'),
      getCollection('kpis'),
      getCollection('templates'),
      getCollection('ramp'),
      getCollection('salaries'),
      getEntry('fx', 'bnr'),
      getEntry('ladder', 'ladder'),
    ]);
    if (!fx) throw new Error('content/fx.yaml is missing');
    if (!ladder) throw new Error('content/ladder.yaml is missing');
    const data = <T>(entries: readonly { data: T }[]) => entries.map((e) => e.data);
    return buildCatalogs({
      roles: roles.map((r) => ({ id: r.id as Catalogs['roles'][number]['id'], data: r.data })),
      skills: data(skills),
      certifications: data(certifications),
      kpis: data(kpis),
      templates: data(templates),
      ramp: data(ramp),
      salaries: data(salaries),
      fx: fx.data,
      ladder: ladder.data,
    });
  })();
  return cached;
}

/** A role guide's narrative (the Markdown body), rendered. */
export async function renderGuide(slug: string) {
  const entry = await getEntry('roles', slug);
  if (!entry) throw new Error(`content/roles/${slug}.md is missing`);
  return render(entry);
}
