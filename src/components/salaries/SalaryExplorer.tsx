// The salary explorer island (decision 037, "Salary explorer"). It draws
// nothing at first: the server's form, tables and chart are the first paint.
// When a control of the form changes it reads the form as the GET request
// would send it, parses that with the page's own parseExplorerQuery, computes
// the table with explorerTable and the chart with chartPanels, and draws them
// (PayTables, PayChartPanels) in place of the server's copy, with the URL kept
// to the view's one short link (pushState). Back and forward (popstate) read
// the URL the same way and put the controls back. Every figure is drawn by the
// same component as on the server, with its label (kind, basis, source, year),
// proxy and conversion marks.
import { useEffect, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import type { SalaryFigure } from '#content/schema.ts';
import type { FxRates } from '#domain/salary.ts';
import {
  QUERY_KEYS,
  amountHeader,
  explorerHref,
  explorerTable,
  hasConverted,
  parseExplorerQuery,
  type ExplorerState,
} from '#domain/salary-explorer.ts';
import { chartPanels } from '#domain/salary-chart.ts';
import PayTables from './PayTables.tsx';
import PayChartPanels from './PayChartPanels.tsx';

interface Props {
  figures: readonly SalaryFigure[];
  fx: FxRates;
  titles: Record<string, string>;
}

const byId = (id: string) => document.getElementById(id);

/** The form as a GET submission would send it (every ticked box, both selects). */
function formState(form: HTMLFormElement): ExplorerState {
  const params = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (typeof v === 'string') params.append(k, v);
  return parseExplorerQuery(params).state;
}

/** Puts the controls back to a state (popstate): a group meaning "all" shows every box ticked, as the server does. */
function setControls(form: HTMLFormElement, state: ExplorerState) {
  const lists: [string, readonly string[]][] = [
    [QUERY_KEYS.roles, state.roles],
    [QUERY_KEYS.regions, state.regions],
    [QUERY_KEYS.bands, state.bands],
  ];
  for (const [name, chosen] of lists) {
    for (const box of form.querySelectorAll<HTMLInputElement>(`input[type="checkbox"][name="${name}"]`))
      box.checked = chosen.includes(box.value);
  }
  const currency = form.querySelector<HTMLSelectElement>(`select[name="${QUERY_KEYS.currency}"]`);
  const period = form.querySelector<HTMLSelectElement>(`select[name="${QUERY_KEYS.period}"]`);
  if (currency) currency.value = state.currency;
  if (period) period.value = state.period;
}

/** Drops the server's copy of a region once, so the island's render is the only one. */
function takeOver(id: string): HTMLElement | null {
  const el = byId(id);
  if (el && !el.dataset.island) {
    el.replaceChildren();
    el.dataset.island = 'salary-explorer';
  }
  return el;
}

export default function SalaryExplorer({ figures, fx, titles }: Props) {
  // null until the first change: until then the server's HTML is the view.
  const [state, setState] = useState<ExplorerState | null>(null);

  useEffect(() => {
    const form = document.querySelector<HTMLFormElement>('form.pay-filters');
    if (!form) return;
    form.dataset.island = 'ready';
    const apply = (next: ExplorerState, push: boolean) => {
      const href = explorerHref(next);
      if (push && href !== location.pathname + location.search) history.pushState({ explorer: true }, '', href);
      setState(next);
    };
    const onChange = () => apply(formState(form), true);
    const onSubmit = (e: SubmitEvent) => {
      e.preventDefault();
      apply(formState(form), true);
    };
    const onPop = () => {
      const next = parseExplorerQuery(new URLSearchParams(location.search)).state;
      setControls(form, next);
      setState(next);
    };
    form.addEventListener('change', onChange);
    form.addEventListener('submit', onSubmit);
    // A control changed while the island loaded (client:interaction flags it): draw it now.
    if (form.dataset.islandPending === 'changed') {
      delete form.dataset.islandPending;
      onChange();
    }
    window.addEventListener('popstate', onPop);
    return () => {
      form.removeEventListener('change', onChange);
      form.removeEventListener('submit', onSubmit);
      window.removeEventListener('popstate', onPop);
    };
  }, []);

  const view = useMemo(() => {
    if (!state) return null;
    const table = explorerTable(figures, state, fx, titles);
    return { table, panels: chartPanels(table), header: amountHeader(state), converted: hasConverted(table) };
  }, [state, figures, fx, titles]);

  // The small pieces of the page around the tables follow the view.
  useEffect(() => {
    if (!state || !view) return;
    const share = byId('share-link') as HTMLInputElement | null;
    if (share) share.value = new URL(explorerHref(state), location.origin).href;
    const converting = state.currency !== 'native' || state.period !== 'native';
    byId('rates')?.classList.toggle('notice', converting);
    byId('rates-converted')?.toggleAttribute('hidden', !converting);
    byId('converted-note')?.toggleAttribute('hidden', !view.converted);
    byId('pay-chart-empty')?.toggleAttribute('hidden', view.panels.length > 0);
    byId('pay-chart-key')?.toggleAttribute('hidden', view.panels.length === 0);
    // The link's unrecognised values are gone from the URL now.
    byId('ignored-values')?.remove();
    const figuresShown = view.table.reduce(
      (n, role) => n + role.groups.reduce((m, g) => m + g.rows.filter((r) => r.kind === 'figure').length, 0),
      0,
    );
    const status = byId('pay-status');
    if (status)
      status.textContent = `Showing ${figuresShown} figure${figuresShown === 1 ? '' : 's'} for ${view.table.length} role${view.table.length === 1 ? '' : 's'}.`;
  }, [state, view]);

  if (!view) return null;
  const tables = takeOver('pay-tables');
  const charts = takeOver('pay-chart-panels');
  return (
    <>
      {tables && createPortal(<PayTables roles={view.table} amountHeader={view.header} />, tables)}
      {charts && createPortal(<PayChartPanels panels={view.panels} />, charts)}
    </>
  );
}
