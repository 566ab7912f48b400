// The salary explorer's chart: the same figures as the table, as bars and
// markers. Pure: the island only draws what this computes.
import { BANDS, type Band, type Currency, PERIOD_WORDS, type Period, REGION_INFO, type Unit, isPercentile, sameUnit } from './salary.ts';
import type { ExplorerGroup, ExplorerRole, FigureRow } from './salary-explorer.ts';

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
