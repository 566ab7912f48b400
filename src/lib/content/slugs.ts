// The content's fixed lists that browser code needs, without zod: schema.ts
// builds its enums from these and re-exports them, and the salary explorer
// island imports them through the domain without pulling zod (~16 KB gzip)
// into the page's JavaScript (decision 037, "Salary explorer").
export const ROLE_SLUGS = [
  'operations-assistant',
  'operations-coordinator',
  'operations-support-specialist',
  'operations-officer',
  'operations-manager',
] as const;
export type RoleSlug = (typeof ROLE_SLUGS)[number];

export const PERCENTILES = ['p10', 'p25', 'p50', 'p75', 'p90'] as const;
