// Content schemas: the contract between the writers of `content/` and every
// page or feature that computes with it. Pure zod, no Astro imports, so unit
// tests and scripts can validate content directly.
import { z } from 'zod';
import { SOURCE_DOCUMENT_IDS } from '#content/source-documents.ts';

import { PERCENTILES, ROLE_SLUGS, type RoleSlug } from '#content/slugs.ts';

export { PERCENTILES, ROLE_SLUGS, type RoleSlug };
export const roleSlug = z.enum(ROLE_SLUGS);

export const SKILL_CATEGORIES = ['foundational', 'technical', 'soft'] as const;
export const skillCategory = z.enum(SKILL_CATEGORIES);

/** Proficiency levels 0-4; the scale's wording lives in src/lib/domain/scale.ts. */
export const level = z.number().int().min(0).max(4);

const id = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'use lower-case kebab-case ids' });
const text = z.string().trim().min(1);
const year = z.number().int().min(1990).max(2100);
const url = z.url();

/** A figure with where it comes from. `value: null` means "no data" and needs a note. */
const sourced = <T extends z.ZodType>(value: T) =>
  z
    .object({
      value: value.nullable(),
      source: text,
      sourceUrl: url.optional(),
      year: year.optional(),
      note: text.optional(),
    })
    // TypeScript cannot see `value` through the generic T; at run time it is always there.
    .refine((f) => (f as unknown as { value: unknown }).value !== null || f.note !== undefined, {
      error: 'a missing figure (value: null) needs a note saying why',
      path: ['note'],
    });

export const skillSchema = z.object({
  id,
  name: text,
  category: skillCategory,
  description: text,
});

export const validitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('months'), months: z.number().int().min(1).max(240) }),
  z.object({ kind: z.literal('lifetime') }),
  z.object({ kind: z.literal('unknown'), note: text }),
]);

export const certificationSchema = z.object({
  id,
  name: text,
  shortName: text,
  issuer: text,
  validity: validitySchema,
  renewalRule: text,
  source: text,
  sourceUrl: url.optional(),
  asOf: text.optional(),
  confidence: z.enum(['high', 'medium', 'low']),
  caveat: text.optional(),
  topics: z.array(text).default([]),
});

const payLevels = z.object({
  range: z.object({ min: z.number().positive(), max: z.number().positive() }).nullable(),
  median: z.number().positive().nullable(),
  entry: z.number().positive().nullable(),
  mid: z.number().positive().nullable(),
  senior: z.number().positive().nullable(),
  top10From: z.number().positive().nullable(),
});

const payPercentiles = z.object({
  p10: z.number().positive(),
  p25: z.number().positive(),
  p50: z.number().positive(),
  p75: z.number().positive(),
  p90: z.number().positive(),
});

/**
 * US annual pay. `levels` carries figures published as entry/mid/senior;
 * `percentiles` carries BLS OEWS percentiles for a proxy occupation. The two are
 * never relabelled as each other.
 */
export const paySchema = z
  .object({
    currency: z.literal('USD'),
    period: z.literal('annual'),
    levels: payLevels.nullable(),
    percentiles: payPercentiles.nullable(),
    proxy: z
      .object({ soc: z.string().regex(/^\d{2}-\d{4}$/), title: text, why: text })
      .nullable(),
    source: text,
    sourceUrl: url.optional(),
    /** null when the source states no data year; the page then says so. */
    year: year.nullable(),
    note: text.optional(),
  })
  .refine((p) => p.levels !== null || p.percentiles !== null, {
    error: 'pay needs levels or percentiles (or both)',
  });

export const tierSchema = z
  .object({
    id,
    title: text,
    yearsMin: z.number().int().min(0).max(40),
    yearsMax: z.number().int().min(0).max(50).nullable(),
    payLevel: z.enum(['entry', 'mid', 'senior']).nullable(),
    description: text,
    focus: z.array(text).min(1),
    targets: z.record(id, level),
    recommendedCertifications: z.array(id).default([]),
  })
  .refine((t) => t.yearsMax === null || t.yearsMax > t.yearsMin, {
    error: 'yearsMax must be greater than yearsMin (or null for open-ended)',
    path: ['yearsMax'],
  });

export const sourceDocument = z.enum(SOURCE_DOCUMENT_IDS);

/**
 * One day-in-the-life schedule. Times a source document gives carry that
 * document (`source`); times OpsPath wrote itself are `illustration: true`, and
 * the page says so. Exactly one of the two, so no timetable is shown unlabelled.
 */
export const scheduleSchema = z
  .object({
    title: text,
    source: sourceDocument.optional(),
    illustration: z.literal(true).optional(),
    note: text.optional(),
    blocks: z
      .array(
        z.object({
          time: z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, { error: 'use HH:MM-HH:MM (24-hour)' }),
          focus: text,
          tasks: z.array(text).min(2),
        }),
      )
      .min(3),
  })
  .refine((s) => (s.source === undefined) !== (s.illustration === undefined), {
    error: 'a schedule needs either a source document (source) or illustration: true, not both',
    path: ['source'],
  });
export type Schedule = z.infer<typeof scheduleSchema>;

const rating3 = z.enum(['low', 'moderate', 'moderate-to-high', 'high', 'no-data']);

export const roleSchema = z.object({
  title: text,
  order: z.number().int().min(1).max(5),
  summary: text,
  outlook: z.object({
    // A growth figure for a proxy occupation names it, so no page can show it as the role's own.
    growth: sourced(z.number()).and(
      z.object({ period: text.optional(), proxy: z.object({ soc: z.string().regex(/^\d{2}-\d{4}$/), title: text }).optional() }),
    ),
    demand: z.object({ level: rating3, note: text, source: text }),
    remote: z.object({ level: z.enum(['on-site', 'hybrid', 'remote-friendly', 'no-data']), note: text }),
    stress: z.object({ level: rating3, note: text.optional() }),
    balance: z.object({ level: z.enum(['good', 'fair', 'challenging', 'no-data']), note: text.optional() }),
  }),
  pay: paySchema,
  tiers: z.array(tierSchema).min(3),
  responsibilities: z.array(text).min(5),
  workSettings: z.array(text).min(2),
  tools: z.array(z.object({ category: text, items: z.array(text).min(1) })).min(3),
  skillMap: z.object({
    foundational: z.array(id).min(3),
    technical: z.array(id).min(3),
    soft: z.array(id).min(3),
  }),
  education: z.object({
    typical: text,
    fields: z.array(text).min(1),
    notes: z.array(text).default([]),
  }),
  certifications: z.array(id).min(1),
  dayInTheLife: z.array(scheduleSchema).min(1),
  pros: z.array(text).min(3),
  cons: z.array(text).min(3),
  beginnerMistakes: z.array(text).min(3),
  advice: z.array(text).min(3),
  caseStudies: z
    .array(z.object({ title: text, situation: text, action: text, result: text, source: sourceDocument }))
    .min(1),
  portfolioTips: z.array(text).min(3),
  faq: z.array(z.object({ q: text, a: text })).min(4),
  relatedRoles: z
    .array(z.object({ slug: roleSlug.optional(), title: text, why: text }))
    .min(2),
  sources: z.array(z.object({ label: text, url: url.optional(), year: year.optional() })).min(1),
});
export type Role = z.infer<typeof roleSchema>;

export const kpiSchema = z.object({
  id,
  name: text,
  definition: text,
  formula: text,
  direction: z.enum(['higher-is-better', 'lower-is-better']),
  example: text.optional(),
  tips: z.array(text).default([]),
});

export const templateSchema = z.object({
  id,
  /** A template to copy, or a routine or tactic (the playbook shows them apart). */
  kind: z.enum(['template', 'practice']).default('template'),
  name: text,
  purpose: text,
  items: z.array(z.object({ label: text, detail: text.optional() })).min(2),
});

export const RAMP_OWNERS = ['new-hire', 'manager', 'buddy'] as const;
export const rampTemplateSchema = z.object({
  role: roleSlug,
  title: text,
  phases: z
    .array(
      z.object({
        id: z.enum(['days-1-30', 'days-31-60', 'days-61-90']),
        title: text,
        startDay: z.number().int().min(1).max(90),
        endDay: z.number().int().min(1).max(90),
        goals: z.array(text).min(1),
        tasks: z
          .array(
            z.object({
              id,
              title: text.max(200),
              detail: text.max(1000).optional(),
              owner: z.enum(RAMP_OWNERS),
              dueDay: z.number().int().min(1).max(90),
              skill: id.optional(),
              kpi: id.optional(),
            }),
          )
          .min(3),
      }),
    )
    .length(3),
});

export const salaryFigureSchema = z
  .object({
    id,
    role: roleSlug,
    country: z.enum(['US', 'RO']),
    city: text.nullable(),
    level: z.enum(['entry', 'mid', 'senior', 'all']).nullable(),
    percentile: z.enum(PERCENTILES).nullable(),
    measure: z.enum(['range', 'median', 'point', 'top10-from', 'average']),
    min: z.number().positive().nullable(),
    max: z.number().positive().nullable(),
    value: z.number().positive().nullable(),
    currency: z.enum(['USD', 'RON', 'EUR']),
    period: z.enum(['annual', 'monthly']),
    /** 'not-stated' where the source never says gross or net (the US career guides). */
    basis: z.enum(['gross', 'not-stated']),
    kind: z.enum(['role', 'proxy-occupation', 'proxy-group']),
    proxyFor: text.optional(),
    source: text,
    sourceUrl: url.optional(),
    /** null when the source states no data year; the page then says so. */
    dataYear: year.nullable(),
    notes: text.optional(),
  })
  .refine((f) => !(f.level && f.percentile), { error: 'a figure is a level or a percentile, not both' })
  .refine((f) => (f.measure === 'range' ? f.min !== null && f.max !== null && f.min < f.max : f.value !== null), {
    error: 'a range needs min < max; any other measure needs value',
  })
  .refine((f) => f.kind === 'role' || f.proxyFor !== undefined, {
    error: 'a proxy figure must say what it stands in for (proxyFor)',
  });
export type SalaryFigure = z.infer<typeof salaryFigureSchema>;

/** Reference exchange rates, RON per unit, from one dated fixing. */
export const fxSchema = z.object({
  date: z.iso.date(),
  source: text,
  sourceUrl: url.optional(),
  ronPerEur: z.number().positive(),
  ronPerUsd: z.number().positive(),
  note: text.optional(),
});

/** Years of experience as `[min, max]`, max null for open-ended ("8+"). */
const yearsSpan = z
  .tuple([z.number().int().min(0).max(40), z.number().int().min(1).max(50).nullable()])
  .refine(([min, max]) => max === null || max > min, { error: 'the second year must be greater than the first (or null)' });

/** The one career ladder across the roles (decision 020): content/ladder.yaml. */
export const ladderSchema = z
  .object({
    sources: z.array(z.object({ id, name: text, guidance: z.boolean().default(false) })).min(1),
    rungs: z.array(z.object({ roles: z.array(roleSlug).min(1), note: text.optional() })).min(1),
    tiers: z.record(
      roleSlug,
      z
        .array(
          z.object({ tier: id, title: text, years: yearsSpan, source: id, note: text.optional(), payNote: text.optional() }),
        )
        .min(1),
    ),
    sourcesDiffer: z
      .array(
        z.object({
          title: text,
          claims: z.array(z.object({ source: id, years: yearsSpan, says: text })).min(2),
          opspath: text,
        }),
      )
      .default([]),
  })
  .superRefine((ladder, ctx) => {
    const sources = new Set(ladder.sources.map((s) => s.id));
    const unknown = (source: string, path: (string | number)[]) => {
      if (!sources.has(source)) ctx.addIssue({ code: 'custom', message: `unknown source ${source}`, path });
    };
    for (const [role, tiers] of Object.entries(ladder.tiers)) {
      tiers.forEach((t, i) => unknown(t.source, ['tiers', role, i, 'source']));
    }
    ladder.sourcesDiffer.forEach((d, i) => d.claims.forEach((c, j) => unknown(c.source, ['sourcesDiffer', i, 'claims', j, 'source'])));
    const placed = ladder.rungs.flatMap((r) => r.roles);
    for (const role of ROLE_SLUGS) {
      if (placed.filter((r) => r === role).length !== 1) {
        ctx.addIssue({ code: 'custom', message: `${role} must sit on exactly one rung`, path: ['rungs'] });
      }
    }
  });
export type LadderContent = z.infer<typeof ladderSchema>;
