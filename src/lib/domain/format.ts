// Number and label formatting shared by pages and islands. Pure.

const CURRENCY_SYMBOL: Record<string, string> = { USD: '$', EUR: '€' };

/** Whole-unit money, e.g. "$60,000" or "5,500 RON". */
export function formatMoney(value: number, currency: string): string {
  const n = Math.round(value).toLocaleString('en-US');
  const symbol = CURRENCY_SYMBOL[currency];
  return symbol ? `${symbol}${n}` : `${n} ${currency}`;
}

export function formatRange(min: number, max: number, currency: string): string {
  return `${formatMoney(min, currency)}–${formatMoney(max, currency)}`;
}

/** "0-2 years", "8+ years". */
export function formatYears(min: number, max: number | null): string {
  return max === null ? `${min}+ years` : `${min}–${max} years`;
}

/**
 * `part` of `whole` in whole percent, rounded to the nearest (2 of 3 is 67 %),
 * except that 0 % and 100 % mean "none" and "all": 22 of 23 shows 99 %, not
 * 100 %, and 1 of 300 shows 1 %, so a bar never looks finished or untouched
 * when it is not. 0 for an empty whole. Every progress figure goes through here.
 */
export function wholePercent(part: number, whole: number): number {
  if (whole <= 0 || part <= 0) return 0;
  if (part >= whole) return 100;
  return Math.min(99, Math.max(1, Math.round((part * 100) / whole)));
}

export function formatPercent(value: number): string {
  const sign = value > 0 ? '+' : value < 0 ? '−' : '';
  return `${sign}${Math.abs(value).toLocaleString('en-US', { maximumFractionDigits: 1 })}%`;
}

const LEVEL_LABELS: Record<string, string> = {
  low: 'Low',
  moderate: 'Moderate',
  'moderate-to-high': 'Moderate to high',
  high: 'High',
  'no-data': 'No data',
  'on-site': 'Mostly on-site',
  hybrid: 'Hybrid',
  'remote-friendly': 'Remote-friendly',
  good: 'Good',
  fair: 'Fair',
  challenging: 'Challenging',
};
export function levelLabel(level: string): string {
  return LEVEL_LABELS[level] ?? level;
}

export const PERCENTILE_LABELS = {
  p10: '10th percentile',
  p25: '25th percentile',
  p50: 'Median (50th percentile)',
  p75: '75th percentile',
  p90: '90th percentile',
} as const;

/** Short money for chart axes: "$45k", "€1.2k", "7k RON". */
export function formatCompactMoney(value: number, currency: string): string {
  const n = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(value).toLowerCase();
  const symbol = CURRENCY_SYMBOL[currency];
  return symbol ? `${symbol}${n}` : `${n} ${currency}`;
}
