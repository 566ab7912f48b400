// Pay figures: regions, levels and percentiles, how each figure is labelled,
// and how it converts between currencies and periods (with the dated rates
// it used). Pure (no Astro imports) so the page, the chart island's props and
// the unit tests share one set of rules, and the island itself carries none.
// The explorer's state and table are in salary-explorer.ts, its chart in
// salary-chart.ts.
import type { SalaryFigure } from '#content/schema.ts';
import { PERCENTILES } from '#content/slugs.ts';
import { formatDayInWords } from './calendar.ts';
import { formatMoney } from './format.ts';

// ─── Regions ────────────────────────────────────────────────────────────────
// A region is a country plus, optionally, a city. National and city figures are
// different publications, so "Romania (national)" never includes the cities.

export const REGIONS = ['us', 'ro', 'bucharest', 'cluj-napoca', 'timisoara', 'iasi'] as const;
export type RegionId = (typeof REGIONS)[number];

export const REGION_INFO: Record<
  RegionId,
  { label: string; tableLabel: string; short: string; country: 'US' | 'RO'; city: string | null }
> = {
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

export const MEASURE_ORDER: SalaryFigure['measure'][] = ['range', 'median', 'point', 'top10-from', 'average'];

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

// ─── Rates statement ────────────────────────────────────────────────────────

export function describeRates(fx: FxRates): { date: string; eur: string; usd: string } {
  const rate = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  return { date: formatDayInWords(fx.date), eur: `1 EUR = ${rate(fx.ronPerEur)} RON`, usd: `1 USD = ${rate(fx.ronPerUsd)} RON` };
}
