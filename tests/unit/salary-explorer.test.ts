// Query parsing, normalisation, table rows and chart data of the salary explorer.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { BANDS, REGIONS, bandOf, regionOf, type FxRates } from '#domain/salary.ts';
import { ROLE_SLUGS, salaryFigureSchema, type SalaryFigure } from '#content/schema.ts';
import {
  DEFAULT_STATE,
  amountHeader,
  explorerHref,
  explorerQuery,
  explorerTable,
  figureSource,
  missingBandsLabel,
  parseExplorerQuery,
  proxyNotes,
  shortSourceName,
  sourceLinkLabel,
  type ExplorerRole,
  type ExplorerState,
  type FigureRow,
  type NoDataRow,
} from '#domain/salary-explorer.ts';
import { chartPanels } from '#domain/salary-chart.ts';

const fx: FxRates = { date: '2026-01-08', source: 'BNR', ronPerEur: 5.0871, ronPerUsd: 4.3558 };
const root = join(import.meta.dirname, '..', '..');
const figures: SalaryFigure[] = (yaml.load(readFileSync(join(root, 'content/salaries.yaml'), 'utf8')) as unknown[]).map((f) =>
  salaryFigureSchema.parse(f),
);
const titles: Record<string, string> = {
  'operations-assistant': 'Operations Assistant',
  'operations-coordinator': 'Operations Coordinator',
  'operations-support-specialist': 'Operations Support Specialist',
  'operations-officer': 'Operations Officer',
  'operations-manager': 'Operations Manager',
};
const q = (s: string) => parseExplorerQuery(new URLSearchParams(s));
const state = (over: Partial<ExplorerState>): ExplorerState => ({ ...DEFAULT_STATE, ...over });
const figureRows = (t: ExplorerRole[]) =>
  t.flatMap((r) => r.groups.flatMap((g) => g.rows.filter((x): x is FigureRow => x.kind === 'figure')));
const noDataRows = (t: ExplorerRole[]) =>
  t.flatMap((r) => r.groups.flatMap((g) => g.rows.filter((x): x is NoDataRow => x.kind === 'no-data')));

describe('query parsing', () => {
  it('means everything, as published, when the query is empty', () => {
    expect(q('')).toEqual({ state: DEFAULT_STATE, ignored: [] });
  });

  it('reads repeated values from a GET form, in canonical order, without duplicates', () => {
    const { state: s, ignored } = q(
      'role=operations-officer&role=operations-assistant&role=operations-officer&region=iasi&region=us&level=p50&level=entry',
    );
    expect(ignored).toEqual([]);
    expect(s.roles).toEqual(['operations-assistant', 'operations-officer']);
    expect(s.regions).toEqual(['us', 'iasi']);
    expect(s.bands).toEqual(['entry', 'p50']);
  });

  it('drops and reports unknown values instead of failing', () => {
    const { state: s, ignored } = q('role=ceo&role=operations-manager&region=paris&currency=GBP&period=weekly&level=p99');
    expect(s.roles).toEqual(['operations-manager']);
    expect(s.regions).toEqual([...REGIONS]);
    expect(s.bands).toEqual([...BANDS]);
    expect(s.currency).toBe('native');
    expect(s.period).toBe('native');
    expect(ignored).toEqual(['role=ceo', 'region=paris', 'level=p99', 'currency=GBP', 'period=weekly']);
  });

  it('shortens long junk values before they are echoed on the page', () => {
    expect(q(`role=${'x'.repeat(500)}`).ignored).toEqual([`role=${'x'.repeat(40)}…`]);
  });

  it('accepts currency codes and periods in any case', () => {
    expect(q('currency=eur&period=Monthly').state).toMatchObject({ currency: 'EUR', period: 'monthly' });
    expect(q('currency=native').state.currency).toBe('native');
  });

  it('takes the first of repeated single values and reports the rest', () => {
    const { state: s, ignored } = q('currency=USD&currency=EUR');
    expect(s.currency).toBe('USD');
    expect(ignored).toEqual(['currency=EUR']);
  });

  it('ignores keys it does not know (tracking parameters and the like)', () => {
    expect(q('utm_source=mail&role=operations-officer')).toEqual({ state: state({ roles: ['operations-officer'] }), ignored: [] });
  });
});

describe('links', () => {
  it('leaves defaults out: the default view is the bare path', () => {
    expect(explorerQuery(DEFAULT_STATE)).toBe('');
    expect(explorerHref(DEFAULT_STATE)).toBe('/salaries/');
  });

  it('matches the link the role guides use', () => {
    expect(explorerHref(state({ roles: ['operations-officer'] }))).toBe('/salaries/?role=operations-officer');
  });

  const arbitraryState = fc.record({
    roles: fc.subarray([...ROLE_SLUGS], { minLength: 1 }),
    regions: fc.subarray([...REGIONS], { minLength: 1 }),
    bands: fc.subarray([...BANDS], { minLength: 1 }),
    currency: fc.constantFrom('native', 'RON', 'EUR', 'USD') as fc.Arbitrary<ExplorerState['currency']>,
    period: fc.constantFrom('native', 'monthly', 'annual') as fc.Arbitrary<ExplorerState['period']>,
  });

  it('reproduces any view from its link (round trip)', () => {
    fc.assert(
      fc.property(arbitraryState, (s) => {
        expect(q(explorerQuery(s))).toEqual({ state: s, ignored: [] });
      }),
    );
  });

  it('gives one link per view: parsing a shuffled query and re-serialising is canonical', () => {
    fc.assert(
      fc.property(arbitraryState, fc.integer(), (s, seed) => {
        const pairs = [...new URLSearchParams(explorerQuery(s))];
        const shuffled = [...pairs].sort((a, b) => ((a[1].length * 31 + seed) % 7) - ((b[1].length * 31 + seed) % 7));
        expect(explorerQuery(q(new URLSearchParams(shuffled).toString()).state)).toBe(explorerQuery(s));
      }),
    );
  });
});

describe('normalisation of figures', () => {
  it('maps every figure to an explorer region and a band', () => {
    for (const f of figures) {
      expect(regionOf(f), f.id).not.toBeNull();
      expect(BANDS, f.id).toContain(bandOf(f));
    }
  });

  it('keeps levels and percentiles apart', () => {
    expect(bandOf({ level: 'entry', percentile: null })).toBe('entry');
    expect(bandOf({ level: null, percentile: 'p25' })).toBe('p25');
    // A published range or "top 10 % from" describes the role as a whole.
    expect(bandOf({ level: null, percentile: null })).toBe('all');
  });

  it('maps content city names (no diacritics) to regions', () => {
    expect(regionOf({ country: 'RO', city: 'Timisoara' })).toBe('timisoara');
    expect(regionOf({ country: 'RO', city: null })).toBe('ro');
    expect(regionOf({ country: 'US', city: null })).toBe('us');
    expect(regionOf({ country: 'RO', city: 'Constanta' })).toBeNull();
  });

  it('names sources briefly: where a link goes, or the source without its prefix', () => {
    expect(sourceLinkLabel('https://asq.org.in/faq/recertification')).toBe('asq.org.in');
    expect(sourceLinkLabel('https://www.bls.gov/oes/special-requests/oesm25nat.zip')).toBe('bls.gov (ZIP)');
    expect(shortSourceName('OpsPath source article: Behind the Scenes (a day in the life), section on pay')).toBe(
      'Behind the Scenes (a day in the life)',
    );
    expect(shortSourceName('INS Romania, TEMPO-Online table FOM121A')).toBe('INS Romania');
    expect(figureSource({ source: 'INS Romania, TEMPO', dataYear: null })).toEqual({
      name: 'INS Romania, TEMPO',
      label: 'INS Romania',
      url: null,
      year: 'year not stated',
    });
  });
});

describe('the table', () => {
  it('shows every figure once in the default view', () => {
    const rows = figureRows(explorerTable(figures, DEFAULT_STATE, fx, titles));
    expect(rows.map((r) => r.id).sort()).toEqual(figures.map((f) => f.id).sort());
  });

  it('says "No data" for the officer in Romania rather than inventing a figure', () => {
    const t = explorerTable(figures, state({ roles: ['operations-officer'], regions: ['ro', 'bucharest'] }), fx, titles);
    expect(figureRows(t)).toEqual([]);
    // Neighbouring regions with nothing share one row.
    expect(t[0]!.groups).toHaveLength(1);
    expect(t[0]!.groups[0]!.regions).toEqual(['ro', 'bucharest']);
    expect(noDataRows(t)).toEqual([{ kind: 'no-data', bands: [...BANDS], label: 'Any level or percentile' }]);
  });

  it('names the chosen levels or percentiles that have no figure', () => {
    const t = explorerTable(
      figures,
      state({ roles: ['operations-assistant'], regions: ['us'], bands: ['entry', 'p10', 'p90'] }),
      fx,
      titles,
    );
    expect(figureRows(t).map((r) => r.band)).toEqual(['p10', 'p90']);
    expect(noDataRows(t)).toEqual([{ kind: 'no-data', bands: ['entry'], label: 'Entry level' }]);
    expect(missingBandsLabel(['all', 'p10', 'p25', 'p50', 'p75', 'p90'])).toBe('All levels, Percentiles (10th–90th)');
  });

  it('labels proxies with what they stand in for, once per region', () => {
    const t = explorerTable(figures, state({ roles: ['operations-manager'], regions: ['us', 'ro'] }), fx, titles);
    const [us, ro] = t[0]!.groups;
    expect(proxyNotes(us!)).toHaveLength(1);
    expect(proxyNotes(us!)[0]).toMatch(/^Operations Manager\. SOC 11-1021/);
    const roRows = ro!.rows.filter((r): r is FigureRow => r.kind === 'figure');
    expect(roRows.map((r) => [r.proxy?.label, r.measureLabel, r.qualifier?.label])).toEqual([
      ['proxy group', 'Group average', 'all employers'],
      ['proxy group', 'Group average', 'private employers only'],
    ]);
  });

  it('orders rows by level, then percentile, then kind of figure', () => {
    const t = explorerTable(figures, state({ roles: ['operations-officer'], regions: ['us'] }), fx, titles);
    expect(figureRows(t).map((r) => `${r.band}:${r.measure}`)).toEqual([
      'entry:point',
      'mid:point',
      'senior:point',
      'all:range',
      'all:median',
      'all:top10-from',
    ]);
  });

  it('says so when a source states no year', () => {
    const t = explorerTable(figures, state({ roles: ['operations-officer'], regions: ['us'] }), fx, titles);
    expect(new Set(figureRows(t).map((r) => r.source.year))).toEqual(new Set(['year not stated']));
  });

  it('puts the unit in the amount header whenever the view has one unit', () => {
    expect(amountHeader({ currency: 'EUR', period: 'monthly' })).toBe('Amount (EUR per month)');
    expect(amountHeader({ currency: 'native', period: 'native' })).toBe('Amount (currency and period as published)');
    expect(amountHeader({ currency: 'USD', period: 'native' })).toBe('Amount (USD, period as published)');
  });
});

describe('chart data', () => {
  it('draws one panel per unit, with the same figures as the table', () => {
    const t = explorerTable(figures, DEFAULT_STATE, fx, titles);
    const panels = chartPanels(t);
    expect(panels.map((p) => p.id)).toEqual(['USD-annual', 'RON-monthly']);
    const charted = panels.flatMap((p) => p.items.flatMap((i) => i.key.split('+'))).sort();
    expect(charted).toEqual(figures.map((f) => f.id).sort());
  });

  it('marks the published median on the range and draws percentiles as one bar', () => {
    const t = explorerTable(
      figures,
      state({ roles: ['operations-support-specialist', 'operations-manager'], regions: ['us'] }),
      fx,
      titles,
    );
    const items = chartPanels(t)[0]!.items;
    expect(items.find((i) => i.key === 'us-support-specialist-range+us-support-specialist-median')).toMatchObject({
      low: 45000,
      high: 75000,
      mid: 60000,
      shape: 'range',
      proxy: false,
    });
    expect(items.find((i) => i.key.startsWith('us-manager-bls-p10'))).toMatchObject({
      low: 50090,
      high: 253390,
      mid: 105770,
      shape: 'range',
      proxy: true,
    });
    expect(items.find((i) => i.key === 'us-support-specialist-top10')).toMatchObject({ shape: 'from', low: 75000 });
  });

  it('puts everything on one axis once a single unit is chosen', () => {
    const t = explorerTable(figures, state({ currency: 'EUR', period: 'monthly' }), fx, titles);
    const panels = chartPanels(t);
    expect(panels.map((p) => p.id)).toEqual(['EUR-monthly']);
    expect(panels[0]!.converted).toBe(true);
  });

  it('keeps labels short enough for a 360 px screen', () => {
    const labels = chartPanels(explorerTable(figures, DEFAULT_STATE, fx, titles)).flatMap((p) => p.items.map((i) => i.label));
    // About 48 characters of 12 px text fit beside the chart's padding at 360 px.
    for (const l of labels) expect(l.length, l).toBeLessThanOrEqual(48);
  });
});
