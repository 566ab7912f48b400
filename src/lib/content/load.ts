// Thin loaders over Astro content collections: sorted, typed, and keyed the way
// pages use them. Business rules stay in src/lib/domain.
import { getCollection, getEntry } from 'astro:content';
import { sortRoles } from '#domain/roles.ts';

export async function loadRoles() {
  return sortRoles(await getCollection('roles'));
}
export async function loadSkills() {
  const skills = await getCollection('skills');
  return new Map(skills.map((s) => [s.id, s.data]));
}
export async function loadCertifications() {
  const certs = await getCollection('certifications');
  return new Map(certs.map((c) => [c.id, c.data]));
}
export async function loadFx() {
  const fx = await getEntry('fx', 'bnr');
  if (!fx) throw new Error('content/fx.yaml is missing');
  return fx.data;
}
