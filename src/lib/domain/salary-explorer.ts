// The salary explorer: its state in the query string, and the table a view
// shows (which figures, labelled how, converted how, with which sources).
// Pure, like salary.ts, whose figures and conversions it builds on.
// No zod here: the salary explorer island runs these functions in the browser,
// and each value is one of a fixed list (decision 037, "Salary explorer").
import type { SalaryFigure } from '#content/schema.ts';
import { PERCENTILES, ROLE_SLUGS, type RoleSlug } from '#content/slugs.ts';
import {
  type Amount,
  BANDS,
  BAND_LABELS,
  type Band,
  CURRENCIES,
  type FxRates,
  MEASURE_ORDER,
  PERIODS,
  PERIOD_WORDS,
  REGIONS,
  type RegionId,
  type Unit,
  amountOf,
  bandOf,
  convertAmount,
  figureQualifier,
  formatAmount,
  isPercentile,
  measureLabel,
  regionLabel,
  regionOf,
  sameUnit,
} from './salary.ts';
import type { Figure, FigureKind, FigureProxy } from './figure.ts';

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

/** A query value read as one of a fixed list, after an optional normalisation; null when it is none of them. */
type Param<T extends string> = (raw: string) => T | null;
const oneOf =
  <T extends string>(choices: readonly T[], normalise: (s: string) => string = (s) => s): Param<T> =>
  (raw) => {
    const v = normalise(raw);
    return (choices as readonly string[]).includes(v) ? (v as T) : null;
  };
const roleParam = oneOf(ROLE_SLUGS);
const regionParam = oneOf(REGIONS);
const bandParam = oneOf(BANDS);
// Currency codes are accepted in any case ("eur"), as people type them into links.
const currencyParam = oneOf(CURRENCY_CHOICES, (s) => (s.toLowerCase() === 'native' ? 'native' : s.toUpperCase()));
const periodParam = oneOf(PERIOD_CHOICES, (s) => s.toLowerCase());

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
  const list = <T extends string>(key: string, parse: Param<T>, order: readonly T[]): T[] => {
    const chosen = new Set<T>();
    for (const raw of params.getAll(key)) {
      const parsed = parse(raw.trim());
      if (parsed !== null) chosen.add(parsed);
      else ignore(key, raw);
    }
    return chosen.size === 0 ? [...order] : order.filter((v) => chosen.has(v));
  };
  const single = <T extends string>(key: string, parse: Param<T>): T | 'native' => {
    const values = params.getAll(key);
    for (const raw of values.slice(1)) ignore(key, raw);
    if (values.length === 0) return 'native';
    const parsed = parse(values[0]!.trim());
    if (parsed !== null) return parsed;
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
  /** The figure as published, with kind, basis, source and year, for Figure.astro. */
  figure: Figure;
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
 * ("OpsPath source article: Behind the Scenes (a day in the life), section on pay" → "Behind the Scenes (a day in the life)").
 */
export function shortSourceName(source: string): string {
  const colon = source.indexOf(': ');
  const name = colon === -1 ? source : source.slice(colon + 2);
  const comma = name.indexOf(',');
  const paren = name.indexOf(')');
  const cuts = [comma, paren === -1 ? -1 : paren + 1].filter((i) => i > 0);
  return (cuts.length ? name.slice(0, Math.min(...cuts)) : name).trim();
}

/** Link text naming where a link goes: "asq.org.in", or "bls.gov (ZIP)" for a download. */
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
    figure: salaryFigureOf(figure),
  };
}

/** The proxy a salary figure stands on, read from its `proxyFor` ("… SOC 11-1021 General and Operations Managers, whose …"). */
function proxyOf(figure: SalaryFigure): FigureProxy | undefined {
  if (figure.kind === 'role') return undefined;
  const text = figure.proxyFor ?? '';
  const soc = /SOC (\d{2}-\d{4}) (.+?)(?:,| is | whose |\.|$)/.exec(text);
  if (soc) return { soc: soc[1]!, title: soc[2]!.trim() };
  const group = /ISCO-08 major group \d \([^)]+\)/.exec(text);
  return { title: group ? group[0] : 'an official occupation group' };
}

/** A salary entry as the one figure type: kind, unit, period, basis, source and year always together. */
export function salaryFigureOf(figure: SalaryFigure): Figure {
  const amount = amountOf(figure);
  const band = BAND_LABELS[bandOf(figure)];
  const measure = [band, measureLabel(figure)].filter(Boolean).join(', ').toLowerCase();
  const kind: FigureKind =
    figure.kind !== 'role'
      ? 'proxy-occupation'
      : figure.percentile
        ? 'percentile'
        : figure.measure === 'median'
          ? 'median'
          : 'published-level';
  const proxy = proxyOf(figure);
  return {
    amount: amount.kind === 'range' ? { min: amount.min, max: amount.max } : { value: amount.value },
    unit: figure.currency,
    period: figure.period,
    basis: figure.basis,
    kind,
    measure,
    source: figure.source,
    year: figure.dataYear ?? 'not stated',
    ...(proxy ? { proxy } : {}),
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
