// The certification catalog and the role guides' recommendations as pages
// need them, from the content collections Astro bundled at build time (the
// running server needs no content/ folder). Built once per process.
import { getCollection } from 'astro:content';
import { buildCertificationContent, type CertificationContent } from '#server/certifications.ts';

let cached: Promise<CertificationContent> | undefined;

export function certificationContent(): Promise<CertificationContent> {
  cached ??= (async () => {
    const [certs, roles] = await Promise.all([getCollection('certifications'), getCollection('roles')]);
    return buildCertificationContent(
      certs.map((c) => ({ ...c.data, id: c.id })),
      roles.map((r) => ({ slug: r.id, data: r.data })),
    );
  })();
  return cached;
}
