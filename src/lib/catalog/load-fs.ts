// The same catalogs as load.ts, read from the content/ files on disk, for the
// CLI, the demo seed, tests and the bench (never for the running server, which
// reads what Astro bundled). Every entry is checked against its schema; a bad
// one stops the caller with the file and the field.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import {
  certificationSchema,
  fxSchema,
  kpiSchema,
  ladderSchema,
  rampTemplateSchema,
  roleSchema,
  ROLE_SLUGS,
  salaryFigureSchema,
  skillSchema,
  templateSchema,
  type RoleSlug,
} from '#content/schema.ts';
import { splitFrontmatter } from '#content/frontmatter.ts';
import { buildCatalogs, type Catalogs, type ContentEntries } from './catalogs.ts';

export const CONTENT_DIR = join(import.meta.dirname, '..', '..', '..', 'content');

/** A content file as read: its path under content/ and its parsed data (and a guide's body). */
export type ContentFile = { file: string; data: unknown; body?: string };

/** The raw files of content/, parsed as YAML (a guide: its frontmatter), unchecked. */
export function readContentFiles(root = CONTENT_DIR) {
  const read = (rel: string) => readFileSync(join(root, rel), 'utf8');
  const yamlFile = (rel: string): ContentFile | null => (existsSync(join(root, rel)) ? { file: rel, data: yaml.load(read(rel)) } : null);
  const folder = (rel: string, ext: string) =>
    existsSync(join(root, rel))
      ? readdirSync(join(root, rel))
          .filter((f) => f.endsWith(ext))
          .sort()
      : [];
  const guides = ROLE_SLUGS.filter((slug) => existsSync(join(root, 'roles', `${slug}.md`))).map(
    (slug): ContentFile & { slug: RoleSlug } => {
      const file = `roles/${slug}.md`;
      const parts = splitFrontmatter(read(file));
      return { slug, file, data: parts ? yaml.load(parts.yaml) : undefined, body: parts?.body ?? '' };
    },
  );
  return {
    guides,
    skills: yamlFile('skills.yaml'),
    certifications: yamlFile('certifications.yaml'),
    kpis: yamlFile('playbook/kpis.yaml'),
    templates: yamlFile('playbook/templates.yaml'),
    ramp: folder('ramp', '.yaml').map((f) => yamlFile(`ramp/${f}`)!),
    salaries: yamlFile('salaries.yaml'),
    fx: yamlFile('fx.yaml'),
    ladder: yamlFile('ladder.yaml'),
  };
}

function parse<T>(file: ContentFile | null, schema: z.ZodType<T>, fallback?: T): T {
  if (!file) {
    if (fallback !== undefined) return fallback;
    throw new Error('content: a required file is missing');
  }
  const result = schema.safeParse(file.data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`content/${file.file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

/** The validated entries of content/ on disk. */
export function readContentEntries(root = CONTENT_DIR): ContentEntries {
  const files = readContentFiles(root);
  const list = <T>(file: ContentFile | null, schema: z.ZodType<T>) => parse(file, z.array(schema), []);
  return {
    roles: files.guides.map((g) => ({ id: g.slug, data: parse(g, roleSchema) })),
    skills: list(files.skills, skillSchema),
    certifications: list(files.certifications, certificationSchema),
    kpis: list(files.kpis, kpiSchema),
    templates: list(files.templates, templateSchema),
    ramp: files.ramp.map((f) => parse(f, rampTemplateSchema)),
    salaries: list(files.salaries, salaryFigureSchema),
    fx: parse(files.fx, fxSchema),
    ladder: parse(files.ladder, ladderSchema),
  };
}

const cache = new Map<string, Catalogs>();

/** The catalogs of content/ on disk (read once per folder). */
export function loadCatalogsFromDisk(root = CONTENT_DIR): Catalogs {
  let catalogs = cache.get(root);
  if (!catalogs) {
    catalogs = buildCatalogs(readContentEntries(root));
    cache.set(root, catalogs);
  }
  return catalogs;
}
