// The one shape of a figure shown to a candidate, and the words that label it.
// A figure never travels without its kind, source and year, so a page (or an
// island, which receives these plain objects) has nothing to drop: it renders
// `figureValue` and `figureLabel`, and the label always names all three.
// Pure: no Astro, no content loading.
import { formatMoney, formatPercent, formatRange } from './format.ts';

export const FIGURE_KINDS = ['published-level', 'median', 'percentile', 'proxy-occupation', 'projection', 'opspath-guidance'] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];

export const FIGURE_BASES = ['gross', 'net', 'not-stated'] as const;
export type FigureBasis = (typeof FIGURE_BASES)[number];

export type FigureUnit = 'USD' | 'RON' | 'EUR' | 'percent';

/** A proxy: the government occupation a figure describes instead of the job title itself. */
export type FigureProxy = { soc?: string; title: string };

export type Figure = {
  /** One amount, a range, or null for "no figure published" (then `note` says why). */
  amount: { value: number } | { min: number; max: number } | null;
  unit: FigureUnit;
  /** 'annual', 'monthly', a projection span like '2024-34', or 'not stated'. */
  period: string;
  basis: FigureBasis;
  kind: FigureKind;
  /** What the number measures within its kind: "entry level", "median", "10th percentile"… */
  measure: string;
  source: string;
  year: number | 'not stated';
  proxy?: FigureProxy;
  note?: string;
};

const KIND_WORDS: Record<FigureKind, string> = {
  'published-level': 'published level',
  median: 'median',
  percentile: 'percentile',
  'proxy-occupation': 'proxy occupation',
  projection: 'projection',
  'opspath-guidance': "OpsPath's guidance",
};

export function kindLabel(kind: FigureKind): string {
  return KIND_WORDS[kind];
}

/** The number as people read it: "$60,000", "$45,000–$75,000", "+4.4%", or "No figure published". */
export function figureValue(f: Figure): string {
  if (!f.amount) return 'No figure published';
  if (f.unit === 'percent') {
    return 'value' in f.amount ? formatPercent(f.amount.value) : `${formatPercent(f.amount.min)} to ${formatPercent(f.amount.max)}`;
  }
  return 'value' in f.amount ? formatMoney(f.amount.value, f.unit) : formatRange(f.amount.min, f.amount.max, f.unit);
}

export function yearLabel(year: Figure['year']): string {
  return year === 'not stated' ? 'year not stated' : String(year);
}

export function basisLabel(basis: FigureBasis): string {
  return basis === 'not-stated' ? 'basis not stated' : basis;
}

/**
 * The label that goes wherever the figure goes:
 * "Median, proxy occupation SOC 11-1021 General and Operations Managers · annual, basis not stated · BLS OEWS · 2025".
 */
export function figureLabel(f: Figure): string {
  const what = [capitalise(f.measure)];
  const kindSaid = f.kind === 'median' || f.kind === 'percentile' || (f.kind === 'proxy-occupation' && f.proxy);
  if (!kindSaid && !f.measure.toLowerCase().includes(KIND_WORDS[f.kind])) {
    what.push(KIND_WORDS[f.kind]);
  }
  if (f.proxy) what.push(`for proxy occupation ${f.proxy.soc ? `SOC ${f.proxy.soc} ` : ''}${f.proxy.title}`);
  const terms = [f.period === 'not stated' ? 'period not stated' : f.period];
  if (f.unit !== 'percent') terms.push(basisLabel(f.basis));
  return [what.join(', '), terms.join(', '), f.source, yearLabel(f.year)].join(' · ');
}

/** A short form for tight spaces (cards, table cells); the full label goes in `title`/details. */
export function figureShortLabel(f: Figure): string {
  const kind = f.proxy
    ? `${f.measure}, proxy ${f.proxy.soc ? `SOC ${f.proxy.soc}` : f.proxy.title}`
    : `${f.measure}, ${KIND_WORDS[f.kind]}`;
  return `${dedupe(kind)} · ${f.source} · ${yearLabel(f.year)}`;
}

/**
 * What a reader must be told before reading two figures side by side, or null
 * when they are alike (same kind, unit, period and proxy-ness).
 */
export function unlikeFigures(a: Figure, b: Figure): string | null {
  const differences: string[] = [];
  if (a.unit !== b.unit) differences.push('in different units');
  if (a.period !== b.period) differences.push(`over different periods (${a.period} and ${b.period})`);
  if (a.kind !== b.kind) differences.push(`of different kinds (${KIND_WORDS[a.kind]} and ${KIND_WORDS[b.kind]})`);
  if (Boolean(a.proxy) !== Boolean(b.proxy)) differences.push('one for the role itself, one for a proxy occupation');
  else if (a.proxy && b.proxy && (a.proxy.soc ?? a.proxy.title) !== (b.proxy.soc ?? b.proxy.title))
    differences.push('for different proxy occupations');
  if (a.source !== b.source) differences.push('from different sources');
  if (a.year !== b.year) differences.push(`for different years (${yearLabel(a.year)} and ${yearLabel(b.year)})`);
  if (!differences.length) return null;
  return `Not like for like: these figures are ${differences.join(', ')}.`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function dedupe(s: string): string {
  // "median, median" when measure and kind say the same thing.
  const [first, second] = s.split(', ');
  return first === second ? first! : s;
}
