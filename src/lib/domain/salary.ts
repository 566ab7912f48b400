// Salary explorer rules: which published figures a view shows, how each one is
// labelled, and how it converts between currencies and periods. Pure (no Astro
// imports) so the page, the chart island's props and the unit tests share one
// set of rules, and the island itself carries none.
import { z } from 'zod';
import { PERCENTILES, ROLE_SLUGS, type RoleSlug, type SalaryFigure } from '#content/schema.ts';
import { formatMoney } from './format.ts';

// ─── Regions ────────────────────────────────────────────────────────────────
// A region is a country plus, optionally, a city. National and city figures are
// different publications, so "Romania (national)" never includes the cities.

export const REGIONS = ['us', 'ro', 'bucharest', 'cluj-napoca', 'timisoara', 'iasi'] as const;
export type RegionId = (typeof REGIONS)[number];

const REGION_INFO: Record<RegionId, { label: string; tableLabel: string; short: string; country: 'US' | 'RO'; city: string | null }> = {
  us: { label: 'United States (national)', tableLabel: 'US (national)', short: 'US', country: 'US', city: null },
  ro: { label: 'Romania (national)', tableLabel: 'Romania (national)', short: 'Romania', country: 'RO', city: null },
  bucharest: { label: 'Bucharest, Romania', tableLabel: 'Bucharest', short: 'Bucharest', country: 'RO', city: 'Bucharest' },
  'cluj-napoca': { label: 'Cluj-Napoca, Romania', tableLabel: 'Cluj-Napoca', short: 'Cluj-Napoca', country: 'RO', city: 'Cluj-Napoca' },
  // Content spells cities as the source did (no diacritics); labels use the proper names.
  timisoara: { label: 'Timișoara, Romania', tableLabel: 'Timișoara', short: 'Timișoara', country: 'RO', city: 'Timisoara' },
  iasi: { label: 'Iași, Romania', tableLabel: 'Iași', short: 'Iași', country: 'RO', city: 'Iasi' },
};

/** Full name, for the filters: "Bucharest, Romania". */
export function regionName(region: RegionId): string {
  return REGION_INFO[region].label;
}

/** Name inside the table, where the column says it is a region: "US (national)", "Bucharest". */
export function regionLabel(region: RegionId): string {
  return REGION_INFO[region].tableLabel;
}

/** The explorer region a figure belongs to, or null when the explorer has no such region. */
export function regionOf(figure: Pick<SalaryFigure, 'country' | 'city'>): RegionId | null {
  const found = REGIONS.find((r) => REGION_INFO[r].country === figure.country && REGION_INFO[r].city === figure.city);
  return found ?? null;
}

// ─── Bands: a career level or a wage percentile ─────────────────────────────
// A figure describes either a career level (entry, mid, senior, or the role as
// a whole) or a percentile of a wage distribution. They answer different
// questions (the 10th percentile is not "entry pay"), so they are separate
// options with separate labels and are never merged.

export const LEVEL_BANDS = ['entry', 'mid', 'senior', 'all'] as const;
export const BANDS = [...LEVEL_BANDS, ...PERCENTILES] as const;
export type Band = (typeof BANDS)[number];
export type PercentileBand = (typeof PERCENTILES)[number];

export const BAND_LABELS: Record<Band, string> = {
  entry: 'Entry level',
  mid: 'Mid level',
  senior: 'Senior level',
  all: 'All levels',
  p10: '10th percentile',
  p25: '25th percentile',
  p50: '50th percentile (median)',
  p75: '75th percentile',
  p90: '90th percentile',
};

export function isPercentile(band: Band): band is PercentileBand {
  return (PERCENTILES as readonly string[]).includes(band);
}

/**
 * Figures with neither a level nor a percentile (a published range, "top 10 %
 * from", an occupation-group average) describe the role as a whole.
 */
export function bandOf(figure: Pick<SalaryFigure, 'level' | 'percentile'>): Band {
  return figure.percentile ?? figure.level ?? 'all';
}

const MEASURE_ORDER: SalaryFigure['measure'][] = ['range', 'median', 'point', 'top10-from', 'average'];

/** What kind of figure it is; null where the band already says it all (a percentile's value). */
export function measureLabel(figure: Pick<SalaryFigure, 'measure' | 'percentile' | 'kind'>): string | null {
  switch (figure.measure) {
    case 'range':
      return 'Range';
    case 'median':
      return 'Median';
    case 'top10-from':
      return 'Top 10% earn from';
    case 'average':
      return figure.kind === 'proxy-group' ? 'Group average' : 'Average';
    case 'point':
      return figure.percentile ? null : 'Single figure';
  }
}

/**
 * Some sources publish two figures of the same kind for one group (INS: all
 * employers and private employers only). The schema has no field for that yet,
 * so it is read from the figure's notes; a content test fails if two siblings
 * ever end up with the same qualifier.
 */
export function figureQualifier(figure: Pick<SalaryFigure, 'notes'>): { label: string; short: string } | null {
  const notes = figure.notes ?? '';
  if (/private ownership only/i.test(notes)) return { label: 'private employers only', short: 'private' };
  if (/all ownership types/i.test(notes)) return { label: 'all employers', short: 'all employers' };
  return null;
}

// ─── Units and conversion ───────────────────────────────────────────────────

export const CURRENCIES = ['RON', 'EUR', 'USD'] as const;
export type Currency = (typeof CURRENCIES)[number];
export const PERIODS = ['monthly', 'annual'] as const;
export type Period = (typeof PERIODS)[number];
export interface Unit {
  currency: Currency;
  period: Period;
}

/** One dated fixing of reference rates, in RON per unit (as BNR publishes them). */
export interface FxRates {
  date: string;
  source: string;
  sourceUrl?: string | undefined;
  ronPerEur: number;
  ronPerUsd: number;
}

/** Monthly ↔ annual is a plain ×12: no 13th-month pay or bonuses are added. */
export const MONTHS_PER_YEAR = 12;

/**
 * The rounding rule, stated once and shown on the page: conversion runs at full
 * precision and rounds once at the end, so a converted figure is never a
 * rounded number rounded again.
 */
export const ROUNDING_RULE =
  'Converted figures are rounded to the nearest whole unit of the target currency, once, after converting; a range is converted end by end. Figures in their own currency and period are shown exactly as published.';

function ronPer(currency: Currency, fx: FxRates): number {
  return currency === 'RON' ? 1 : currency === 'EUR' ? fx.ronPerEur : fx.ronPerUsd;
}

export function sameUnit(a: Unit, b: Unit): boolean {
  return a.currency === b.currency && a.period === b.period;
}

/** Exact multiplier from `from` to `to`: currencies cross through RON at the BNR rates. */
export function conversionFactor(from: Unit, to: Unit, fx: FxRates): number {
  const currency = ronPer(from.currency, fx) / ronPer(to.currency, fx);
  const period = from.period === to.period ? 1 : from.period === 'monthly' ? MONTHS_PER_YEAR : 1 / MONTHS_PER_YEAR;
  return currency * period;
}

/** Converts one value; unchanged (not even rounded) when the unit is the same. */
export function convertValue(value: number, from: Unit, to: Unit, fx: FxRates): number {
  if (sameUnit(from, to)) return value;
  return Math.round(value * conversionFactor(from, to, fx));
}

export type Amount = { kind: 'range'; min: number; max: number } | { kind: 'point'; value: number };

export function amountOf(figure: Pick<SalaryFigure, 'measure' | 'min' | 'max' | 'value'>): Amount {
  if (figure.measure === 'range') {
    if (figure.min === null || figure.max === null) throw new Error('a range figure needs min and max');
    return { kind: 'range', min: figure.min, max: figure.max };
  }
  if (figure.value === null) throw new Error('a single figure needs a value');
  return { kind: 'point', value: figure.value };
}

export function convertAmount(amount: Amount, from: Unit, to: Unit, fx: FxRates): Amount {
  return amount.kind === 'range'
    ? { kind: 'range', min: convertValue(amount.min, from, to, fx), max: convertValue(amount.max, from, to, fx) }
    : { kind: 'point', value: convertValue(amount.value, from, to, fx) };
}

const PERIOD_SUFFIX: Record<Period, string> = { monthly: '/month', annual: '/year' };
export const PERIOD_WORDS: Record<Period, string> = { monthly: 'per month', annual: 'per year' };

/** "$45,000–$75,000/year", "4,500–7,000 RON/month", "€1,179/month". */
export function formatAmount(amount: Amount, unit: Unit): string {
  const suffix = PERIOD_SUFFIX[unit.period];
  if (amount.kind === 'point') return `${formatMoney(amount.value, unit.currency)}${suffix}`;
  const low = formatMoney(amount.min, unit.currency);
  const high = formatMoney(amount.max, unit.currency);
  // Currencies written as a trailing code ("RON") name it once: "4,500–7,000 RON".
  const code = ` ${unit.currency}`;
  return `${low.endsWith(code) ? low.slice(0, -code.length) : low}–${high}${suffix}`;
}

// ─── Explorer state (the query string) ──────────────────────────────────────

export const CURRENCY_CHOICES = ['native', ...CURRENCIES] as const;
export type CurrencyChoice = (typeof CURRENCY_CHOICES)[number];
export const PERIOD_CHOICES = ['native', ...PERIODS] as const;
export type PeriodChoice = (typeof PERIOD_CHOICES)[number];

export interface ExplorerState {
  roles: RoleSlug[];
  regions: RegionId[];
  bands: Band[];
  currency: CurrencyChoice;
  period: PeriodChoice;
}

/** Query-string names. Short and stable: shared links depend on them. */
export const QUERY_KEYS = { roles: 'role', regions: 'region', bands: 'level', currency: 'currency', period: 'period' } as const;

export const DEFAULT_STATE: ExplorerState = {
  roles: [...ROLE_SLUGS],
  regions: [...REGIONS],
  bands: [...BANDS],
  currency: 'native',
  period: 'native',
};

const roleParam = z.enum(ROLE_SLUGS);
const regionParam = z.enum(REGIONS);
const bandParam = z.enum(BANDS);
// Currency codes are accepted in any case ("eur"), as people type them into links.
const currencyParam = z
  .string()
  .transform((s) => (s.toLowerCase() === 'native' ? 'native' : s.toUpperCase()))
  .pipe(z.enum(CURRENCY_CHOICES));
const periodParam = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(PERIOD_CHOICES));

/**
 * Reads the explorer state from a query string. Unknown values are dropped and
 * reported (so a mistyped link still shows something useful, and says so); a
 * group with nothing chosen means "all of it", as a GET form with no box ticked
 * sends nothing. Lists come back in canonical order, so equal views have equal
 * states and equal links.
 */
export function parseExplorerQuery(params: URLSearchParams): { state: ExplorerState; ignored: string[] } {
  const found: string[] = [];
  // Ignored values are echoed on the page; a junk link should not fill it.
  const ignore = (key: string, raw: string) => found.push(`${key}=${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}`);
  const list = <T extends string>(key: string, schema: z.ZodType<T>, order: readonly T[]): T[] => {
    const chosen = new Set<T>();
    for (const raw of params.getAll(key)) {
      const parsed = schema.safeParse(raw.trim());
      if (parsed.success) chosen.add(parsed.data);
      else ignore(key, raw);
    }
    return chosen.size === 0 ? [...order] : order.filter((v) => chosen.has(v));
  };
  const single = <T extends string>(key: string, schema: z.ZodType<T>): T | 'native' => {
    const values = params.getAll(key);
    for (const raw of values.slice(1)) ignore(key, raw);
    if (values.length === 0) return 'native';
    const parsed = schema.safeParse(values[0]!.trim());
    if (parsed.success) return parsed.data;
    ignore(key, values[0]!);
    return 'native';
  };
  return {
    state: {
      roles: list(QUERY_KEYS.roles, roleParam, ROLE_SLUGS),
      regions: list(QUERY_KEYS.regions, regionParam, REGIONS),
      bands: list(QUERY_KEYS.bands, bandParam, BANDS),
      currency: single(QUERY_KEYS.currency, currencyParam),
      period: single(QUERY_KEYS.period, periodParam),
    },
    ignored: found,
  };
}

/** The shortest query string for a state: defaults (everything, as published) are left out. */
export function explorerQuery(state: ExplorerState): string {
  const params = new URLSearchParams();
  const list = (key: string, chosen: readonly string[], all: readonly string[]) => {
    if (chosen.length === all.length) return;
    for (const v of all) if (chosen.includes(v)) params.append(key, v);
  };
  list(QUERY_KEYS.roles, state.roles, ROLE_SLUGS);
  list(QUERY_KEYS.regions, state.regions, REGIONS);
  list(QUERY_KEYS.bands, state.bands, BANDS);
  if (state.currency !== 'native') params.set(QUERY_KEYS.currency, state.currency);
  if (state.period !== 'native') params.set(QUERY_KEYS.period, state.period);
  return params.toString();
}

export const EXPLORER_PATH = '/salaries/';

export function explorerHref(state: ExplorerState): string {
  const q = explorerQuery(state);
  return q ? `${EXPLORER_PATH}?${q}` : EXPLORER_PATH;
}

/** The unit a figure is shown in: its own, with the currency and/or period swapped when chosen. */
export function displayUnit(native: Unit, state: Pick<ExplorerState, 'currency' | 'period'>): Unit {
  return {
    currency: state.currency === 'native' ? native.currency : state.currency,
    period: state.period === 'native' ? native.period : state.period,
  };
}

/** Header text for the amount column, so the unit is in the header whenever it is one unit. */
export function amountHeader(state: Pick<ExplorerState, 'currency' | 'period'>): string {
  const currency = state.currency === 'native' ? null : state.currency;
  const period = state.period === 'native' ? null : PERIOD_WORDS[state.period];
  if (currency && period) return `Amount (${currency} ${period})`;
  if (currency) return `Amount (${currency}, period as published)`;
  if (period) return `Amount (${period}, currency as published)`;
  return 'Amount (currency and period as published)';
}

// ─── Rows of the table ──────────────────────────────────────────────────────

export interface ShownAmount {
  amount: Amount;
  unit: Unit;
  text: string;
  converted: boolean;
  /** The figure as published, shown next to a converted one. */
  original: string | null;
}

export interface FigureSource {
  name: string;
  /** Link text: where the link goes ("bls.gov (ZIP)"), or a short name when there is no link. */
  label: string;
  url: string | null;
  year: string;
}

export interface FigureRow {
  kind: 'figure';
  id: string;
  band: Band;
  bandLabel: string;
  measure: SalaryFigure['measure'];
  measureLabel: string | null;
  /** What tells this figure apart from a sibling of the same kind, e.g. "private employers only". */
  qualifier: { label: string; short: string } | null;
  shown: ShownAmount;
  proxy: { label: 'proxy occupation' | 'proxy group'; standsFor: string } | null;
  source: FigureSource;
  notes: string | null;
}

export interface NoDataRow {
  kind: 'no-data';
  bands: Band[];
  label: string;
}

export type ExplorerRow = FigureRow | NoDataRow;

export interface ExplorerGroup {
  role: RoleSlug;
  /** Usually one region; consecutive regions with nothing at all share one "No data" row. */
  regions: RegionId[];
  regionLabel: string;
  rows: ExplorerRow[];
}

export interface ExplorerRole {
  role: RoleSlug;
  title: string;
  groups: ExplorerGroup[];
}

export const NO_YEAR = 'year not stated';

/**
 * A short name for a source without a link: the name after any "kind of
 * source:" prefix, up to its first comma or closing parenthesis
 * ("OpsPath source article: ELEC (elec.work) blog post…" → "ELEC (elec.work)").
 */
export function shortSourceName(source: string): string {
  const colon = source.indexOf(': ');
  const name = colon === -1 ? source : source.slice(colon + 2);
  const comma = name.indexOf(',');
  const paren = name.indexOf(')');
  const cuts = [comma, paren === -1 ? -1 : paren + 1].filter((i) => i > 0);
  return (cuts.length ? name.slice(0, Math.min(...cuts)) : name).trim();
}

/** Link text naming where a link goes: "jobicy.com", or "bls.gov (ZIP)" for a download. */
export function sourceLinkLabel(url: string): string {
  const { hostname, pathname } = new URL(url);
  const host = hostname.replace(/^www\./, '');
  const ext = /\.([a-z0-9]{2,5})$/i.exec(pathname)?.[1];
  return ext && !/^html?$/i.test(ext) ? `${host} (${ext.toUpperCase()})` : host;
}

export function figureSource(figure: Pick<SalaryFigure, 'source' | 'sourceUrl' | 'dataYear'>): FigureSource {
  const url = figure.sourceUrl ?? null;
  return {
    name: figure.source,
    label: url ? sourceLinkLabel(url) : shortSourceName(figure.source),
    url,
    year: figure.dataYear === null ? NO_YEAR : String(figure.dataYear),
  };
}

export function showFigure(figure: SalaryFigure, state: Pick<ExplorerState, 'currency' | 'period'>, fx: FxRates): ShownAmount {
  const native: Unit = { currency: figure.currency, period: figure.period };
  const unit = displayUnit(native, state);
  const amount = amountOf(figure);
  if (sameUnit(native, unit)) return { amount, unit, text: formatAmount(amount, unit), converted: false, original: null };
  const converted = convertAmount(amount, native, unit, fx);
  return { amount: converted, unit, text: `≈ ${formatAmount(converted, unit)}`, converted: true, original: formatAmount(amount, native) };
}

function figureRow(figure: SalaryFigure, state: ExplorerState, fx: FxRates): FigureRow {
  const band = bandOf(figure);
  return {
    kind: 'figure',
    id: figure.id,
    band,
    bandLabel: BAND_LABELS[band],
    measure: figure.measure,
    measureLabel: measureLabel(figure),
    qualifier: figureQualifier(figure),
    shown: showFigure(figure, state, fx),
    proxy:
      figure.kind === 'role'
        ? null
        : { label: figure.kind === 'proxy-occupation' ? 'proxy occupation' : 'proxy group', standsFor: figure.proxyFor ?? '' },
    source: figureSource(figure),
    notes: figure.notes ?? null,
  };
}

/** "Entry level, All levels", or "Percentiles (10th–90th)" when all five are meant. */
export function missingBandsLabel(bands: readonly Band[]): string {
  if (bands.length === BANDS.length) return 'Any level or percentile';
  const levels = bands.filter((b) => !isPercentile(b)).map((b) => BAND_LABELS[b]);
  const percentiles = bands.filter(isPercentile);
  const parts = [...levels];
  if (percentiles.length === PERCENTILES.length) parts.push('Percentiles (10th–90th)');
  else parts.push(...percentiles.map((b) => BAND_LABELS[b]));
  return parts.join(', ');
}

function rowOrder(a: FigureRow, b: FigureRow): number {
  return (
    BANDS.indexOf(a.band) - BANDS.indexOf(b.band) ||
    MEASURE_ORDER.indexOf(a.measure) - MEASURE_ORDER.indexOf(b.measure) ||
    a.id.localeCompare(b.id)
  );
}

function onlyNoData(group: ExplorerGroup): NoDataRow | null {
  const [row, ...rest] = group.rows;
  return row?.kind === 'no-data' && rest.length === 0 ? row : null;
}

/**
 * The table's content: for each chosen role and region, every matching figure,
 * then one "No data" row naming the chosen levels or percentiles nothing was
 * published for (never an invented or interpolated figure). Neighbouring
 * regions with no figure at all share one row, which keeps the table short.
 */
export function explorerTable(
  figures: readonly SalaryFigure[],
  state: ExplorerState,
  fx: FxRates,
  roleTitles: Readonly<Record<string, string>>,
): ExplorerRole[] {
  return state.roles.map((role) => {
    const groups: ExplorerGroup[] = [];
    for (const region of state.regions) {
      const matching = figures.filter((f) => f.role === role && regionOf(f) === region && state.bands.includes(bandOf(f)));
      const rows: ExplorerRow[] = matching.map((f) => figureRow(f, state, fx)).sort(rowOrder);
      const missing = state.bands.filter((b) => !matching.some((f) => bandOf(f) === b));
      if (missing.length) rows.push({ kind: 'no-data', bands: missing, label: missingBandsLabel(missing) });
      const group: ExplorerGroup = { role, regions: [region], regionLabel: regionLabel(region), rows };
      const previous = groups[groups.length - 1];
      if (previous && onlyNoData(previous) && onlyNoData(group)) {
        previous.regions.push(region);
        previous.regionLabel = previous.regions.map(regionLabel).join(', ');
      } else {
        groups.push(group);
      }
    }
    return { role, title: roleTitles[role] ?? role, groups };
  });
}

/** Distinct "proxy: …" statements of a group, each said once above its rows. */
export function proxyNotes(group: ExplorerGroup): string[] {
  const notes = group.rows.flatMap((r) => (r.kind === 'figure' && r.proxy ? [r.proxy.standsFor] : []));
  return [...new Set(notes)];
}

/** Each distinct source of a group with its distinct notes, for the group's "sources and notes". */
export function groupSources(group: ExplorerGroup): { source: FigureSource; notes: string[] }[] {
  const bySource = new Map<string, { source: FigureSource; notes: string[] }>();
  for (const row of group.rows) {
    if (row.kind !== 'figure') continue;
    const key = `${row.source.name}|${row.source.url ?? ''}|${row.source.year}`;
    const entry = bySource.get(key) ?? { source: row.source, notes: [] };
    if (row.notes && !entry.notes.includes(row.notes)) entry.notes.push(row.notes);
    bySource.set(key, entry);
  }
  return [...bySource.values()];
}

export function hasConverted(roles: readonly ExplorerRole[]): boolean {
  return roles.some((r) => r.groups.some((g) => g.rows.some((row) => row.kind === 'figure' && row.shown.converted)));
}

// ─── Chart ──────────────────────────────────────────────────────────────────
// The chart shows the same figures as the table, as bars (ranges) and markers
// (single figures). Everything it needs is computed here, so the island only
// draws: labels, positions and units arrive as plain data.

export interface ChartItem {
  key: string;
  /** One line, role · region · what: "Support Specialist · Bucharest · entry". */
  label: string;
  low: number;
  high: number;
  /** Median marked on a range, when the source published one. */
  mid: number | null;
  shape: 'range' | 'point' | 'from';
  proxy: boolean;
  converted: boolean;
}

export interface ChartPanel {
  id: string;
  title: string;
  currency: Currency;
  period: Period;
  converted: boolean;
  items: ChartItem[];
}

// Chart labels are short: on a 360 px screen a label has about 50 characters.
const BAND_SHORT: Record<Band, string> = {
  entry: 'entry',
  mid: 'mid',
  senior: 'senior',
  all: 'all levels',
  p10: '10th',
  p25: '25th',
  p50: '50th',
  p75: '75th',
  p90: '90th',
};

/** "Operations Support Specialist" → "Support Specialist". */
export function shortRoleTitle(title: string): string {
  return title.replace(/^Operations\s+/, '') || title;
}

function pointWhat(r: FigureRow): string {
  const proxy = r.proxy ? 'proxy ' : '';
  const qualifier = r.qualifier ? `, ${r.qualifier.short}` : '';
  if (isPercentile(r.band)) return `${proxy}${BAND_SHORT[r.band]} pct.`;
  switch (r.measure) {
    case 'top10-from':
      return 'top 10% from';
    case 'median':
      return r.band === 'all' ? 'median' : `${BAND_SHORT[r.band]}, median`;
    case 'average':
      return `${proxy}avg.${qualifier}`;
    default:
      return `${proxy}${BAND_SHORT[r.band]}${qualifier}`;
  }
}

function chartItemsOfGroup(title: string, group: ExplorerGroup): { unit: Unit; item: ChartItem }[] {
  const figures = group.rows.filter((r): r is FigureRow => r.kind === 'figure');
  const out: { unit: Unit; item: ChartItem }[] = [];
  const used = new Set<string>();
  const prefix = `${shortRoleTitle(title)} · ${group.regions.map((r) => REGION_INFO[r].short).join(', ')} · `;
  const push = (rows: FigureRow[], item: Omit<ChartItem, 'key' | 'proxy' | 'converted'>) => {
    for (const r of rows) used.add(r.id);
    out.push({
      unit: rows[0]!.shown.unit,
      item: {
        ...item,
        key: rows.map((r) => r.id).join('+'),
        proxy: rows.some((r) => r.proxy !== null),
        converted: rows.some((r) => r.shown.converted),
      },
    });
  };
  const value = (r: FigureRow) => (r.shown.amount.kind === 'point' ? r.shown.amount.value : r.shown.amount.min);

  // Percentiles of one publication become one bar from the lowest to the highest
  // chosen percentile with the median marked: the box-plot reading of OEWS data.
  const percentiles = figures.filter((r) => isPercentile(r.band));
  if (percentiles.length >= 2) {
    const sorted = [...percentiles].sort((a, b) => BANDS.indexOf(a.band) - BANDS.indexOf(b.band));
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    const median = percentiles.find((r) => r.band === 'p50');
    push(sorted, {
      label: `${prefix}${first.proxy ? 'proxy ' : ''}${BAND_SHORT[first.band]}–${BAND_SHORT[last.band]} pct.`,
      low: value(first),
      high: value(last),
      mid: median ? value(median) : null,
      shape: 'range',
    });
  }
  for (const r of figures) {
    if (used.has(r.id)) continue;
    if (r.shown.amount.kind === 'range') {
      // A median published for the same band and unit is marked on its range.
      const median = figures.find(
        (m) => !used.has(m.id) && m.measure === 'median' && m.band === r.band && sameUnit(m.shown.unit, r.shown.unit),
      );
      push(median ? [r, median] : [r], {
        label: `${prefix}${pointWhat(r)}`,
        low: r.shown.amount.min,
        high: r.shown.amount.max,
        mid: median ? value(median) : null,
        shape: 'range',
      });
    } else {
      push([r], {
        label: `${prefix}${pointWhat(r)}`,
        low: r.shown.amount.value,
        high: r.shown.amount.value,
        mid: null,
        shape: r.measure === 'top10-from' ? 'from' : 'point',
      });
    }
  }
  return out;
}

function unitKey(unit: Unit): string {
  return `${unit.currency}-${unit.period}`;
}

/** One chart panel per unit shown (a dollar and a leu axis cannot share a scale). */
export function chartPanels(roles: readonly ExplorerRole[]): ChartPanel[] {
  const panels = new Map<string, ChartPanel>();
  for (const role of roles) {
    for (const group of role.groups) {
      for (const { unit, item } of chartItemsOfGroup(role.title, group)) {
        const key = unitKey(unit);
        let panel = panels.get(key);
        if (!panel) {
          panel = {
            id: key,
            title: `${unit.currency} ${PERIOD_WORDS[unit.period]}`,
            currency: unit.currency,
            period: unit.period,
            converted: false,
            items: [],
          };
          panels.set(key, panel);
        }
        panel.items.push(item);
        panel.converted ||= item.converted;
      }
    }
  }
  return [...panels.values()];
}

// ─── Rates statement ────────────────────────────────────────────────────────

/** "8 January 2026" from an ISO date, independent of the server's time zone. */
export function formatIsoDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export function describeRates(fx: FxRates): { date: string; eur: string; usd: string } {
  const rate = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  return { date: formatIsoDate(fx.date), eur: `1 EUR = ${rate(fx.ronPerEur)} RON`, usd: `1 USD = ${rate(fx.ronPerUsd)} RON` };
}
