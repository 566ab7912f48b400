// Every catalog the product builds from content/, and the one function that
// builds them from the validated entries, however those were loaded: from
// astro:content in the running server (load.ts, bundled at build time, so the
// server needs no content/ folder) or from the files on disk for the CLI,
// seeding, tests and the bench (load-fs.ts). Pure: no Astro, no Node.
import type { z } from 'zod';
import {
  ROLE_SLUGS,
  type certificationSchema,
  type fxSchema,
  type kpiSchema,
  type LadderContent,
  type rampTemplateSchema,
  type Role,
  type RoleSlug,
  type SalaryFigure,
  type skillSchema,
  type templateSchema,
} from '#content/schema.ts';
import { positionKey } from '#domain/certifications.ts';
import { buildCatalog, type JobRoleCatalog } from '#domain/job-roles.ts';
import { sortRoles } from '#domain/roles.ts';
import { toLadder, type Ladder } from '#domain/skills.ts';

export type SkillEntry = z.infer<typeof skillSchema>;
export type CertificationEntry = z.infer<typeof certificationSchema>;
export type KpiEntry = z.infer<typeof kpiSchema>;
export type PlaybookTemplate = z.infer<typeof templateSchema>;
export type RampTemplate = z.infer<typeof rampTemplateSchema>;
export type FxRates = z.infer<typeof fxSchema>;
export type RoleGuide = { id: RoleSlug; data: Role };

/** The validated entries of every collection, as either loader reads them. */
export type ContentEntries = {
  roles: readonly RoleGuide[];
  skills: readonly SkillEntry[];
  certifications: readonly CertificationEntry[];
  kpis: readonly KpiEntry[];
  templates: readonly PlaybookTemplate[];
  ramp: readonly RampTemplate[];
  salaries: readonly SalaryFigure[];
  fx: FxRates;
  ladder: LadderContent;
};

/** What the certification tracker needs from content. */
export type CertificationContent = {
  /** Catalog entries by id, sorted by name (the order of matrix columns and select options). */
  catalog: Map<string, CertificationEntry>;
  /** '<role>/<tier>' -> certification ids the role guide recommends for that tier. */
  recommended: Map<string, Set<string>>;
};

/** What ramp plans need from content: the templates, and the skill and KPI ids tasks may link to (id -> name). */
export type RampCatalog = {
  templates: readonly RampTemplate[];
  skills: ReadonlyMap<string, string>;
  kpis: ReadonlyMap<string, string>;
};

export type Catalogs = {
  /** The role guides in ladder order. */
  roles: RoleGuide[];
  /** The skill catalog, by id (in file order when read from disk). */
  skills: ReadonlyMap<string, SkillEntry>;
  certifications: CertificationContent;
  /** Job roles and tiers for the people forms (a generic ladder for a guide not written yet). */
  jobRoles: JobRoleCatalog;
  /** Tier targets per role, for the skills pages and the self-check. */
  ladders: Ladder[];
  ramp: RampCatalog;
  kpis: readonly KpiEntry[];
  templates: readonly PlaybookTemplate[];
  /** The playbook's RAG guide (what Red, Amber and Green mean), or null if the playbook lacks it. */
  ragGuide: PlaybookTemplate | null;
  salaries: readonly SalaryFigure[];
  fx: FxRates;
  /** The one career ladder (decision 020). */
  ladder: LadderContent;
};

export function certificationContent(
  entries: Iterable<CertificationEntry>,
  roles: Iterable<{ id: string; data: Pick<Role, 'tiers'> }>,
): CertificationContent {
  const catalog = new Map([...entries].sort((a, b) => a.name.localeCompare(b.name)).map((e) => [e.id, e]));
  const recommended = new Map<string, Set<string>>();
  for (const role of roles) {
    for (const tier of role.data.tiers) {
      const ids = (tier.recommendedCertifications ?? []).filter((id) => catalog.has(id));
      if (ids.length) recommended.set(positionKey(role.id, tier.id)!, new Set(ids));
    }
  }
  return { catalog, recommended };
}

/** The ladder's pay notes of one role's tiers, by tier id. */
const tierPayNotes = (ladder: LadderContent, role: RoleSlug) =>
  new Map((ladder.tiers[role] ?? []).flatMap((t) => (t.payNote ? [[t.tier, t.payNote] as const] : [])));

const byName = (a: readonly [string, string], b: readonly [string, string]) => a[1].localeCompare(b[1]);
const ladderOrder = (role: string) => ROLE_SLUGS.indexOf(role as RoleSlug);

export function buildCatalogs(entries: ContentEntries): Catalogs {
  const roles = sortRoles([...entries.roles]);
  return {
    roles,
    skills: new Map(entries.skills.map((s) => [s.id, s])),
    certifications: certificationContent(entries.certifications, roles),
    jobRoles: buildCatalog(new Map(roles.map((r) => [r.id, r.data]))),
    ladders: roles.map((r) => toLadder(r.id, r.data, tierPayNotes(entries.ladder, r.id))),
    ramp: {
      templates: [...entries.ramp].sort((a, b) => ladderOrder(a.role) - ladderOrder(b.role)),
      skills: new Map(entries.skills.map((s) => [s.id, s.name] as const).sort(byName)),
      kpis: new Map(entries.kpis.map((k) => [k.id, k.name] as const).sort(byName)),
    },
    kpis: entries.kpis,
    templates: entries.templates,
    ragGuide: entries.templates.find((t) => t.id === 'rag-guide') ?? null,
    salaries: entries.salaries,
    fx: entries.fx,
    ladder: entries.ladder,
  };
}

export const findTemplate = (catalog: RampCatalog, role: string | null | undefined) => catalog.templates.find((t) => t.role === role);
