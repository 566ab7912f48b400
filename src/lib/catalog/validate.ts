// Cross-reference checks over content/ that a per-entry schema cannot express
// (skill ids exist and sit in the right group, tier targets use mapped skills,
// certification and KPI ids resolve, ramp tasks fall inside their phase).
// Used by `npm run content:check` and by the unit tests; the build runs the
// per-entry schemas itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  roleSchema,
  skillSchema,
  certificationSchema,
  rampTemplateSchema,
  salaryFigureSchema,
  kpiSchema,
  templateSchema,
  fxSchema,
  ladderSchema,
  ROLE_SLUGS,
  type LadderContent,
} from '#content/schema.ts';
import { unrecordedDisagreements, ladderTier, yearsText } from '#domain/ladder.ts';
import { readContentFiles, type ContentFile } from './load-fs.ts';

/** The list of source URLs content may use: one a line, `#` comments and blank lines ignored. */
export const ALLOWED_URLS_FILE = 'allowed-source-urls.txt';

export function parseAllowedUrls(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
}

/** Every http(s) URL in a text, without the punctuation that ends a sentence or a quote. */
export function urlsIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'<>()[\]`]+/g)].map((m) => m[0].replace(/[.,;:!?]+$/, ''));
}

/** Files under content/ with a URL the allowed list lacks: "file: url". */
export function unlistedUrls(root: string): string[] {
  const allowedPath = join(root, ALLOWED_URLS_FILE);
  const allowed = existsSync(allowedPath) ? parseAllowedUrls(readFileSync(allowedPath, 'utf8')) : new Set<string>();
  const problems: string[] = [];
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : /\.(md|ya?ml)$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  for (const file of walk('.')) {
    for (const url of urlsIn(readFileSync(join(root, file), 'utf8'))) {
      if (!allowed.has(url))
        problems.push(`${file}: ${url} is not in content/${ALLOWED_URLS_FILE} (a source document or facts.md must give it)`);
    }
  }
  return problems;
}

export function validateContent(root: string): string[] {
  const problems: string[] = [];
  const report = (file: string, msg: string) => problems.push(`${file}: ${msg}`);

  function check<T>(file: string, schema: z.ZodType<T>, data: unknown): T | undefined {
    const r = schema.safeParse(data);
    if (!r.success) {
      for (const i of r.error.issues) report(file, `${i.path.join('.') || '(root)'}: ${i.message}`);
      return undefined;
    }
    return r.data;
  }
  const files = readContentFiles(root);
  const items = (file: ContentFile | null) => (Array.isArray(file?.data) ? (file.data as unknown[]) : []);

  const skills = new Map<string, z.infer<typeof skillSchema>>();
  for (const s of items(files.skills)) {
    const v = check('skills.yaml', skillSchema, s);
    if (v) {
      if (skills.has(v.id)) report('skills.yaml', `duplicate id ${v.id}`);
      skills.set(v.id, v);
    }
  }
  const certs = new Set<string>();
  for (const c of items(files.certifications)) {
    const v = check('certifications.yaml', certificationSchema, c);
    if (v) certs.add(v.id);
  }
  const kpis = new Set<string>();
  for (const k of items(files.kpis)) {
    const v = check('playbook/kpis.yaml', kpiSchema, k);
    if (v) kpis.add(v.id);
  }
  for (const t of items(files.templates)) check('playbook/templates.yaml', templateSchema, t);
  const figureIds = new Set<string>();
  for (const f of items(files.salaries)) {
    const v = check('salaries.yaml', salaryFigureSchema, f);
    if (v) {
      if (figureIds.has(v.id)) report('salaries.yaml', `duplicate id ${v.id}`);
      figureIds.add(v.id);
    }
  }
  if (files.fx) check('fx.yaml', fxSchema, files.fx.data);
  const ladder: LadderContent | undefined = files.ladder ? check('ladder.yaml', ladderSchema, files.ladder.data) : undefined;
  if (!files.ladder) report('ladder.yaml', 'missing');
  if (ladder) for (const p of unrecordedDisagreements(ladder)) report('ladder.yaml', p);

  for (const slug of ROLE_SLUGS) {
    const rel = `roles/${slug}.md`;
    const guide = files.guides.find((g) => g.slug === slug);
    if (!guide) {
      report(rel, 'missing');
      continue;
    }
    if (guide.data === undefined) {
      report(rel, 'no frontmatter block');
      continue;
    }
    const { data, body = '' } = guide;
    const role = check(rel, roleSchema, data);
    if (body.trim().split(/\s+/).length < 400) report(rel, 'body narrative is shorter than 400 words');
    if (role) {
      for (const group of ['foundational', 'technical', 'soft'] as const) {
        for (const id of role.skillMap[group]) {
          const s = skills.get(id);
          if (!s) report(rel, `skillMap.${group}: unknown skill ${id}`);
          else if (s.category !== group) report(rel, `skillMap.${group}: ${id} is a ${s.category} skill`);
        }
      }
      const mapped = new Set([...role.skillMap.foundational, ...role.skillMap.technical, ...role.skillMap.soft]);
      for (const t of role.tiers) {
        for (const id of Object.keys(t.targets))
          if (!mapped.has(id)) report(rel, `tier ${t.id}: target for ${id}, which is not in the skill map`);
        if (Object.keys(t.targets).length < 6) report(rel, `tier ${t.id}: fewer than 6 targets`);
        for (const c of t.recommendedCertifications) if (!certs.has(c)) report(rel, `tier ${t.id}: unknown certification ${c}`);
      }
      for (const c of role.certifications) if (!certs.has(c)) report(rel, `certifications: unknown ${c}`);
      const ids = role.tiers.map((t) => t.id);
      if (new Set(ids).size !== ids.length) report(rel, 'tier ids repeat');
      if (ladder) {
        // The guide repeats its tiers' titles and years for its own fields; the ladder is what they must equal.
        for (const t of role.tiers) {
          const l = ladderTier(ladder, slug, t.id);
          if (!l) report(rel, `tier ${t.id} is not in ladder.yaml`);
          else if (l.title !== t.title || yearsText(l.years) !== yearsText([t.yearsMin, t.yearsMax]))
            report(
              rel,
              `tier ${t.id}: "${t.title}" ${yearsText([t.yearsMin, t.yearsMax])}, ladder.yaml says "${l.title}" ${yearsText(l.years)}`,
            );
        }
        for (const l of ladder.tiers[slug] ?? [])
          if (!ids.includes(l.tier)) report('ladder.yaml', `${slug} tier ${l.tier} is not in ${rel}`);
      }
    }
    const rampRel = `ramp/${slug}.yaml`;
    const rampFile = files.ramp.find((f) => f.file === rampRel);
    if (!rampFile) {
      report(rampRel, 'missing');
      continue;
    }
    const ramp = check(rampRel, rampTemplateSchema, rampFile.data);
    if (ramp) {
      if (ramp.role !== slug) report(rampRel, `role is ${ramp.role}, expected ${slug}`);
      const taskIds = new Set<string>();
      for (const p of ramp.phases)
        for (const t of p.tasks) {
          if (taskIds.has(t.id)) report(rampRel, `task id ${t.id} repeats`);
          taskIds.add(t.id);
          if (t.dueDay < p.startDay || t.dueDay > p.endDay)
            report(rampRel, `task ${t.id}: dueDay ${t.dueDay} is outside its phase ${p.startDay}-${p.endDay}`);
          if (t.skill && !skills.has(t.skill)) report(rampRel, `task ${t.id}: unknown skill ${t.skill}`);
          if (t.kpi && kpis.size && !kpis.has(t.kpi)) report(rampRel, `task ${t.id}: unknown kpi ${t.kpi}`);
        }
    }
  }

  problems.push(...unlistedUrls(root));
  return problems;
}
