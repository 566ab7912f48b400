// The skills matrix as an app (ADR 037): a React island that takes over from
// the server-rendered table (MatrixTable.astro) once it runs, and keeps the
// same markup and classes so it looks the same. It adds instant filtering and
// sorting, the ARIA grid keyboard pattern, and inline rating that shows the
// new level at once and puts the old one back, with the server's reason, if
// the save is refused. A popover shows a cell's notes and history (Space on
// the cell, or the pointer resting on it), fetched when it first opens.
// Without JavaScript the server table stays, and every cell links to the
// rating form.
//
// Bands, gaps and coverage come from the domain (skillMatrixCell, PROFICIENT):
// the island only recounts them after an edit. Rows are windowed above
// WINDOW_FROM people so a 500-person team renders ~40 rows, not 30,000 cells.
import {
  memo,
  useCallback,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type MouseEvent,
  type PointerEvent,
} from 'react';
import { LEVELS, PROFICIENT, type Level } from '#domain/scale.ts';
import { MAX_NOTE_LENGTH, cellDescription, skillMatrixCell, type SkillBand } from '#domain/skill-cell.ts';
import MatrixTools from './MatrixTools.tsx';
import CellPopover, { type CellDetailsState } from './CellPopover.tsx';
import type { SkillCellDetails } from '#server/skills/index.ts';

export interface MatrixGridColumn {
  id: string;
  name: string;
}
export interface MatrixGridRow {
  id: number;
  name: string;
  position: string;
  readOnly: boolean;
  /** Three characters per column, self, manager, target: "0".."4", or "-" where there is none. */
  cells: string;
}
export interface Props {
  caption: string;
  columns: MatrixGridColumn[];
  rows: MatrixGridRow[];
  pinNames: boolean;
  /** What the reader had done on the server's copy before the island arrived (MatrixIsland.tsx). */
  takeover?: Takeover;
}

/** The server copy's state when the island takes over: its search, its sort, and where focus was. */
export interface Takeover {
  query: string;
  sort: string;
  focus: { to: 'find' | 'sort' | 'wrap' } | { to: 'cell'; personId: number; col: number } | null;
}

type Numbers = { self: Level | null; manager: Level | null; target: number | null };
type Cell = Numbers & { band: SkillBand; gap: number | null };
type Person = { id: number; name: string; position: string; readOnly: boolean; cells: Cell[] };

const PAGE_ROWS = 10;
const WINDOW_FROM = 100;
const OVERSCAN = 15;
/** Name column, gap column, then the skills: grid column indexes the keyboard moves over. */
const FIRST_SKILL = 2;

const digit = (ch: string | undefined) => (ch === undefined || ch === '-' ? null : Number(ch));
const asRating = (level: Level | null) => (level === null ? null : { level, ratedAt: 0 });

/** A cell from its three numbers, banded by the domain's rule. */
function cellOf(n: Numbers): Cell {
  const c = skillMatrixCell({ self: asRating(n.self), manager: asRating(n.manager) }, n.target);
  return { self: c.self, manager: c.manager, target: c.target, band: c.band, gap: c.gap };
}

function decode(rows: MatrixGridRow[], width: number): Person[] {
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    position: r.position,
    readOnly: r.readOnly,
    cells: Array.from({ length: width }, (_, i) =>
      cellOf({
        self: digit(r.cells[i * 3]) as Level | null,
        manager: digit(r.cells[i * 3 + 1]) as Level | null,
        target: digit(r.cells[i * 3 + 2]),
      }),
    ),
  }));
}

const totalGap = (p: Person) => p.cells.reduce((sum, c) => sum + Math.max(c.gap ?? 0, 0), 0);
const levelOf = (c: Cell) => c.manager ?? c.self;
/** A cell's bars as the link's classes (MatrixTable.astro draws them): s, m, t and the level; none, no class. */
export function barClasses(c: { self: number | null; manager: number | null; target: number | null }): string {
  const names = [];
  if (c.self !== null) names.push(`s${c.self}`);
  if (c.manager !== null) names.push(`m${c.manager}`);
  if (c.target !== null) names.push(`t${c.target}`);
  return names.join(' ');
}

/** What a row asks of the grid: the same functions on every render, so an unchanged row is not drawn again. */
interface RowActions {
  focus(row: number, col: number): void;
  click(event: MouseEvent<HTMLAnchorElement>, person: Person, row: number, col: number): void;
}
interface RowProps {
  person: Person;
  /** Its place among the rows shown (the grid's row, as data-cell and aria-rowindex count it). */
  row: number;
  /** The grid column that takes Tab in this row (the roving tabindex), or -1: the active cell is elsewhere. */
  tabCol: number;
  /** The skill whose cell the popover describes, or -1. */
  peekCol: number;
  columns: MatrixGridColumn[];
  skillHrefs: string[];
  actions: RowActions;
}

// Memoised: a rating edit draws one row again, moving the active cell two, and a
// filter change only the rows that come in or change place, not 3,000 cells.
const MatrixRow = memo(function MatrixRow({ person, row, tabCol, peekCol, columns, skillHrefs, actions }: RowProps) {
  const tab = (col: number) => (col === tabCol ? 0 : -1);
  return (
    <tr data-p={person.id} data-readonly={person.readOnly ? '' : undefined} aria-rowindex={row + 3}>
      <th scope="row">
        <a href={`/app/skills/people/${person.id}/`} tabIndex={tab(0)} data-cell={`${row}:0`} onFocus={() => actions.focus(row, 0)}>
          {person.name}
        </a>
        <span className="pos">{person.position}</span>
      </th>
      <td className="total num">{totalGap(person)}</td>
      {person.cells.map((cell, i) => (
        <td key={columns[i]!.id} className={`c b-${cell.band}`}>
          <a
            href={`/app/skills/people/${person.id}/${skillHrefs[i]}`}
            className={barClasses(cell) || undefined}
            aria-label={cellDescription(cell)}
            aria-describedby={peekCol === i ? POPOVER_ID : undefined}
            tabIndex={tab(i + FIRST_SKILL)}
            data-cell={`${row}:${i + FIRST_SKILL}`}
            onFocus={() => actions.focus(row, i + FIRST_SKILL)}
            onClick={(e) => actions.click(e, person, row, i)}
          />
        </td>
      ))}
    </tr>
  );
});

type Sort = { by: 'name' } | { by: 'gap' } | { by: 'skill'; index: number };
const parseSort = (v: string): Sort =>
  v.startsWith('skill:') ? { by: 'skill', index: Number(v.slice(6)) } : v === 'gap' ? { by: 'gap' } : { by: 'name' };
const sortValueOf = (sort: Sort) => (sort.by === 'skill' ? `skill:${sort.index}` : sort.by);
type Editing = { personId: number; col: number };
type Active = { row: number; col: number };
/** The cell whose popover is open (col counts skills from 0), and what opened it. */
type Peek = { personId: number; col: number; via: 'key' | 'pointer' };

const POPOVER_ID = 'cell-popover';
/** A resting pointer opens the popover after this long: passing over cells on the way elsewhere opens nothing. */
const HOVER_OPEN_MS = 400;
/** Time to move the pointer from the cell into the popover (to reach its links) before it closes. */
const HOVER_CLOSE_MS = 300;
const LOADING: CellDetailsState = { status: 'loading' };
const detailsKey = (personId: number, skillId: string) => `${personId}:${skillId}`;

/** One cell's details from the read endpoint, or why not, in words for the popover. */
async function fetchCellDetails(personId: number, skillId: string): Promise<CellDetailsState> {
  try {
    const response = await fetch(`/app/skills/people/${personId}/cell?skill=${encodeURIComponent(skillId)}`, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (response.status === 401) return { status: 'error', message: 'Your session has ended: sign in again to see the details.' };
    const body = (await response.json().catch(() => null)) as (SkillCellDetails & { error?: string }) | null;
    if (!response.ok || !body) {
      return { status: 'error', message: `The details could not be loaded${body?.error ? `: ${body.error}` : '.'}` };
    }
    return { status: 'ok', details: body };
  } catch {
    return { status: 'error', message: 'The details could not be loaded: check the connection, then try again.' };
  }
}

/** What a screen reader hears when the popover opens from the keyboard (the box itself describes the cell). */
function announcement(state: CellDetailsState, person: string, skill: string): string {
  if (state.status === 'error') return state.message;
  if (state.status !== 'ok') return '';
  const d = state.details;
  const level = (r: SkillCellDetails['self']) => (r ? `${r.level} ${r.label.toLowerCase()}` : 'not rated');
  const count = d.history.length + d.olderCount;
  return `${person}, ${skill}: self ${level(d.self)}, manager ${level(d.manager)}, target ${d.target ?? 'none'}; ${count} rating${
    count === 1 ? '' : 's'
  } in its history. Tab reaches its links, Escape closes it.`;
}

export default function MatrixGrid({ caption, columns, rows, pinNames, takeover }: Props) {
  const [people, setPeople] = useState(() => decode(rows, columns.length));
  const [query, setQuery] = useState(takeover?.query ?? '');
  const [sort, setSort] = useState<Sort>(() => parseSort(takeover?.sort ?? 'name'));
  const [active, setActive] = useState<Active>({ row: 0, col: 0 });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [status, setStatus] = useState('');
  const [refusal, setRefusal] = useState('');
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(800);
  const wrapRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const focusPending = useRef(false);
  const rowHeight = useRef(34);
  const findRef = useRef<HTMLInputElement>(null);
  const sortRef = useRef<HTMLSelectElement>(null);
  const [peek, setPeek] = useState<Peek | null>(null);
  /** Details per cell, kept once loaded until a rating of that cell is saved here. */
  const [details, setDetails] = useState<ReadonlyMap<string, CellDetailsState>>(() => new Map());
  /** The request each cell's entry waits for: an answer to an older one (before a save) is dropped. */
  const requests = useRef(new Map<string, symbol>());
  const popoverRef = useRef<HTMLDivElement>(null);
  const openTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const closeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const hovered = useRef<string | null>(null);
  const announced = useRef<string | null>(null);

  // The server's table is the first paint and the no-JavaScript page; from here on the island draws it.
  useLayoutEffect(() => {
    // Removed, not hidden: one table with these rows on the page, not two.
    document.getElementById('matrix-server')?.remove();
    document.getElementById('matrix-tools-server')?.remove();
    document.getElementById('matrix-keys')?.removeAttribute('hidden');
    const wrap = wrapRef.current;
    if (wrap) setViewHeight(wrap.clientHeight || 800);
  }, []);

  // The find box answers each key at once; the rows follow in a render React may interrupt for the next key.
  const filterQuery = useDeferredValue(query);
  const shown = useMemo(() => {
    const q = filterQuery.trim().toLowerCase();
    const list = q ? people.filter((p) => p.name.toLowerCase().includes(q) || p.position.toLowerCase().includes(q)) : people.slice();
    const byName = (a: Person, b: Person) => a.name.localeCompare(b.name);
    if (sort.by === 'gap') list.sort((a, b) => totalGap(b) - totalGap(a) || byName(a, b));
    else if (sort.by === 'skill') {
      const i = sort.index;
      list.sort((a, b) => (levelOf(a.cells[i]!) ?? -1) - (levelOf(b.cells[i]!) ?? -1) || byName(a, b));
    } else list.sort(byName);
    return list;
  }, [people, filterQuery, sort]);

  const coverage = useMemo(
    () => columns.map((_, i) => people.filter((p) => (levelOf(p.cells[i]!) ?? -1) >= PROFICIENT).length),
    [people, columns],
  );

  const windowed = shown.length > WINDOW_FROM;
  const first = windowed ? Math.max(0, Math.floor(scrollTop / rowHeight.current) - OVERSCAN) : 0;
  const last = windowed ? Math.min(shown.length, Math.ceil((scrollTop + viewHeight) / rowHeight.current) + OVERSCAN) : shown.length;
  const lastCol = FIRST_SKILL + columns.length - 1;
  const clampRow = (r: number) => Math.max(0, Math.min(shown.length - 1, r));

  const move = useCallback(
    (next: Active) => {
      focusPending.current = true;
      setActive(next);
      const wrap = wrapRef.current;
      if (windowed && wrap) {
        // Bring a row outside the drawn window into it before focusing it.
        const top = next.row * rowHeight.current;
        const head = headRef.current?.offsetHeight ?? 0;
        if (top < wrap.scrollTop || top + rowHeight.current > wrap.scrollTop + wrap.clientHeight - head) {
          wrap.scrollTop = Math.max(0, top - head);
          setScrollTop(wrap.scrollTop);
        }
      }
    },
    [windowed],
  );

  useLayoutEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    const el = wrapRef.current?.querySelector<HTMLElement>(`[data-cell="${active.row}:${active.col}"]`);
    el?.focus({ preventScroll: true });
    el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  });

  // Once, at mount: focus goes where it was on the server's copy, so a keyboard user who tabbed in carries on.
  // After the effect above, so a cell's focus, which move() leaves for the next render, is not taken this one.
  useLayoutEffect(() => {
    const focus = takeover?.focus;
    const wrap = wrapRef.current;
    if (focus?.to === 'find') {
      const input = findRef.current;
      input?.focus();
      input?.setSelectionRange(input.value.length, input.value.length);
    } else if (focus?.to === 'sort') sortRef.current?.focus();
    else if (focus?.to === 'wrap') wrap?.focus();
    else if (focus?.to === 'cell') {
      const row = shown.findIndex((p) => p.id === focus.personId);
      if (row >= 0) move({ row, col: Math.min(focus.col, lastCol) });
      else wrap?.focus();
    }
  }, []);

  useLayoutEffect(() => {
    const tr = wrapRef.current?.querySelector<HTMLElement>('tbody tr[data-p]');
    if (tr?.offsetHeight) rowHeight.current = tr.offsetHeight;
  }, [shown.length]);

  const current = { row: clampRow(active.row), col: Math.min(active.col, lastCol) };

  function onKeyDown(event: KeyboardEvent<HTMLTableElement>) {
    if (event.altKey || event.metaKey) return;
    const { row, col } = current;
    let next: Active;
    switch (event.key) {
      case 'ArrowRight':
        next = { row, col: col === 0 ? FIRST_SKILL : Math.min(lastCol, col + 1) };
        break;
      case 'ArrowLeft':
        next = { row, col: col <= FIRST_SKILL ? 0 : col - 1 };
        break;
      case 'ArrowDown':
        next = { row: clampRow(row + 1), col };
        break;
      case 'ArrowUp':
        next = { row: clampRow(row - 1), col };
        break;
      case 'PageDown':
        next = { row: clampRow(row + PAGE_ROWS), col };
        break;
      case 'PageUp':
        next = { row: clampRow(row - PAGE_ROWS), col };
        break;
      case 'Home':
        next = { row: event.ctrlKey ? 0 : row, col: 0 };
        break;
      case 'End':
        next = { row: event.ctrlKey ? shown.length - 1 : row, col: lastCol };
        break;
      case 'Enter': {
        const person = shown[row];
        if (col < FIRST_SKILL || !person || person.readOnly) return; // the link opens the person's page
        event.preventDefault();
        openEditor(person.id, col - FIRST_SKILL);
        return;
      }
      case ' ': {
        const person = shown[row];
        if (col < FIRST_SKILL || !person || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        if (peek && peek.personId === person.id && peek.col === col - FIRST_SKILL) closePeek();
        else openPeek({ personId: person.id, col: col - FIRST_SKILL, via: 'key' });
        return;
      }
      default:
        return;
    }
    event.preventDefault();
    move(next);
  }

  function onCellClick(event: MouseEvent<HTMLAnchorElement>, person: Person, row: number, col: number) {
    // A modified click still opens the rating form, as without JavaScript.
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0 || person.readOnly) return;
    event.preventDefault();
    move({ row, col: col + FIRST_SKILL });
    openEditor(person.id, col);
  }

  function openEditor(personId: number, col: number) {
    closePeek();
    setRefusal('');
    setEditing({ personId, col });
    // The dialog is drawn by the next render; open it after. Not showModal(): making the page inert
    // restyles every element of it, 400-550 ms of a 500 x 60 matrix's rating edit (INP trace, issue 18).
    // The dialog says it is modal (aria-modal), keeps Tab inside, closes on Escape, and a backdrop
    // takes the pointer from the page behind it.
    requestAnimationFrame(() => dialogRef.current?.show());
  }

  /** What showModal() would do: Escape cancels, and Tab and Shift+Tab go round the dialog's controls. */
  function onEditorKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    const dialog = event.currentTarget;
    if (event.key === 'Escape') {
      event.preventDefault();
      dialog.close();
      return;
    }
    if (event.key !== 'Tab' || event.altKey || event.ctrlKey || event.metaKey) return;
    const stops = Array.from(
      dialog.querySelectorAll<HTMLElement>('input[type="radio"]:checked, input:not([type="radio"]), textarea, button'),
    ).filter((el) => !el.hasAttribute('disabled'));
    // The levels are one stop (the checked one, or the first when none is).
    const levels =
      dialog.querySelector<HTMLElement>('input[name="level"]:checked') ?? dialog.querySelector<HTMLElement>('input[name="level"]');
    if (levels && !stops.includes(levels)) stops.unshift(levels);
    const active = document.activeElement as HTMLElement | null;
    const firstStop = active?.getAttribute('name') === 'level' || active === stops[0];
    if (!event.shiftKey && active === stops.at(-1)) {
      event.preventDefault();
      stops[0]?.focus();
    } else if (event.shiftKey && firstStop) {
      event.preventDefault();
      stops.at(-1)?.focus();
    }
  }

  const editingPerson = editing ? people.find((p) => p.id === editing.personId) : undefined;
  const editingCell = editing && editingPerson ? editingPerson.cells[editing.col]! : undefined;
  const editingSkill = editing ? columns[editing.col] : undefined;

  const setCell = (personId: number, col: number, cell: Cell) =>
    setPeople((list) => list.map((p) => (p.id === personId ? { ...p, cells: p.cells.map((c, i) => (i === col ? cell : c)) } : p)));

  async function save(form: HTMLFormElement) {
    if (!editing || !editingPerson || !editingCell || !editingSkill) return;
    const data = new FormData(form);
    const level = data.get('level');
    const errorBox = form.querySelector<HTMLElement>('[data-error]')!;
    if (level === null) {
      errorBox.textContent = 'Choose a level from 0 to 4.';
      form.querySelector<HTMLInputElement>('input[name="level"]')?.focus();
      return;
    }
    const { personId, col } = editing;
    const before = editingCell;
    const who = `${editingPerson.name}, ${editingSkill.name}`;
    // Optimistic: the cell shows the new rating now; the server's answer confirms or undoes it.
    setCell(personId, col, cellOf({ ...before, manager: Number(level) as Level }));
    setStatus(`Saving. ${who}: manager ${level}.`);
    dialogRef.current?.close();
    const undo = (reason: string) => {
      setCell(personId, col, before);
      setStatus('');
      setRefusal(`Not saved: ${who}. ${reason} The cell shows its previous rating again.`);
    };
    try {
      const response = await fetch('/app/skills/rating', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          personId,
          skillId: editingSkill.id,
          level: Number(level),
          note: String(data.get('note') ?? ''),
          evidenceUrl: String(data.get('evidenceUrl') ?? ''),
        }),
      });
      // Whatever the answer, the popover's copy of this cell may be out of date: read it again next time.
      forgetDetails(personId, editingSkill.id);
      const result = (await response.json().catch(() => ({}))) as {
        cell?: Numbers & { description: string };
        error?: string;
        fieldErrors?: Record<string, string>;
      };
      if (response.status === 401) return undo('Your session has ended: sign in again in another tab, then rate again.');
      if (!response.ok || !result.cell) {
        const fields = Object.values(result.fieldErrors ?? {});
        return undo(fields.length ? fields.join(' ') : (result.error ?? 'The server refused the rating.'));
      }
      setCell(personId, col, cellOf(result.cell));
      setRefusal('');
      setStatus(`Saved. ${who}: ${result.cell.description}.`);
    } catch {
      forgetDetails(personId, editingSkill.id);
      undo('The connection failed: check it and rate again.');
    }
  }

  // --- the cell popover ------------------------------------------------------------

  function clearTimers() {
    clearTimeout(openTimer.current);
    clearTimeout(closeTimer.current);
  }

  function openPeek(next: Peek) {
    clearTimers();
    const skill = columns[next.col];
    if (!skill) return;
    // A failed read is tried again at the next opening; a loaded one is kept.
    const key = detailsKey(next.personId, skill.id);
    if (details.get(key)?.status === 'error') forgetDetails(next.personId, skill.id);
    announced.current = null;
    setPeek(next);
  }

  function closePeek() {
    clearTimers();
    hovered.current = null;
    setPeek(null);
  }

  function forgetDetails(personId: number, skillId: string) {
    const key = detailsKey(personId, skillId);
    requests.current.delete(key);
    setDetails((map) => {
      if (!map.has(key)) return map;
      const next = new Map(map);
      next.delete(key);
      return next;
    });
  }

  const peekSkill = peek ? columns[peek.col] : undefined;
  const peekPerson = peek ? people.find((p) => p.id === peek.personId) : undefined;
  const peekKey = peek && peekSkill ? detailsKey(peek.personId, peekSkill.id) : null;
  const peekState: CellDetailsState = (peekKey && details.get(peekKey)) || LOADING;

  // Read lazily: nothing is fetched until a popover opens, and each cell once (until a save there).
  useEffect(() => {
    if (!peek || !peekSkill || !peekKey || details.has(peekKey)) return;
    const token = Symbol(peekKey);
    requests.current.set(peekKey, token);
    setDetails((map) => new Map(map).set(peekKey, LOADING));
    void fetchCellDetails(peek.personId, peekSkill.id).then((state) => {
      if (requests.current.get(peekKey) !== token) return;
      setDetails((map) => new Map(map).set(peekKey, state));
    });
  }, [peek, peekSkill, peekKey, details]);

  // Opened from the keyboard: say what it shows once it has loaded (focus stays on the cell).
  useEffect(() => {
    if (peek?.via !== 'key' || !peekKey || !peekPerson || !peekSkill || announced.current === peekKey) return;
    const words = announcement(peekState, peekPerson.name, peekSkill.name);
    if (!words) return;
    announced.current = peekKey;
    setStatus(words);
  }, [peek, peekKey, peekPerson, peekSkill, peekState]);

  // Another cell becoming active closes it (the first render only records the cell).
  const activeKey = `${shown[current.row]?.id ?? ''}:${current.col}`;
  const lastActive = useRef(activeKey);
  useEffect(() => {
    if (lastActive.current === activeKey) return;
    lastActive.current = activeKey;
    closePeek();
  }, [activeKey]);

  const anchorOf = useCallback(
    (p: Peek) => wrapRef.current?.querySelector<HTMLElement>(`tr[data-p="${p.personId}"] [data-cell$=":${p.col + FIRST_SKILL}"]`) ?? null,
    [],
  );

  // Placed next to its cell in the top layer (the popover attribute), so the scrolling frame and the
  // sticky headers neither clip nor cover it; it follows the cell when the page or the frame scrolls.
  useLayoutEffect(() => {
    const box = popoverRef.current;
    if (!peek || !box) return;
    if (typeof box.showPopover === 'function' && !box.matches(':popover-open')) box.showPopover();
    const place = () => {
      const anchor = anchorOf(peek);
      if (!anchor) {
        setPeek(null); // filtered out, or scrolled out of the drawn rows
        return;
      }
      const cell = anchor.getBoundingClientRect();
      const { width, height } = box.getBoundingClientRect();
      const gap = 6;
      const below = cell.bottom + gap + height <= window.innerHeight || cell.top - gap - height < 0;
      const top = below ? Math.min(cell.bottom + gap, Math.max(0, window.innerHeight - height)) : cell.top - gap - height;
      const left = Math.max(gap, Math.min(cell.left, window.innerWidth - width - gap));
      box.style.top = `${Math.round(top)}px`;
      box.style.left = `${Math.round(left)}px`;
    };
    place();
    window.addEventListener('scroll', place, true);
    window.addEventListener('resize', place);
    return () => {
      window.removeEventListener('scroll', place, true);
      window.removeEventListener('resize', place);
    };
  }, [peek, peekState, anchorOf, first, last]);

  // Escape closes it wherever focus is (WCAG 1.4.13: dismissible without moving the pointer); so does a press elsewhere.
  useEffect(() => {
    if (!peek) return;
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || dialogRef.current?.open) return;
      event.preventDefault();
      const fromInside = popoverRef.current?.contains(document.activeElement) ?? false;
      closePeek();
      if (fromInside) anchorOf(peek)?.focus();
    };
    const onPointerDown = (event: globalThis.PointerEvent) => {
      const target = event.target as Node | null;
      if (target && (popoverRef.current?.contains(target) || anchorOf(peek)?.contains(target))) return;
      closePeek();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointerDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointerDown);
    };
  }, [peek, anchorOf]);

  useEffect(() => clearTimers, []);

  /** The skill cell under the pointer: its person and skill column, or null over anything else. */
  function cellAt(target: EventTarget | null): Peek | null {
    const link = (target as Element | null)?.closest?.('a[data-cell]');
    const personId = Number(link?.closest<HTMLElement>('tr[data-p]')?.dataset.p);
    const col = Number(link?.getAttribute('data-cell')?.split(':')[1]) - FIRST_SKILL;
    return link && Number.isInteger(personId) && col >= 0 ? { personId, col, via: 'pointer' } : null;
  }

  function scheduleClose() {
    clearTimeout(closeTimer.current);
    closeTimer.current = setTimeout(() => setPeek((p) => (p?.via === 'pointer' ? null : p)), HOVER_CLOSE_MS);
  }

  function onPointerOver(event: PointerEvent<HTMLTableElement>) {
    if (event.pointerType === 'touch' || editing) return; // a tap is a click: it opens the rating editor
    const over = cellAt(event.target);
    const key = over ? `${over.personId}:${over.col}` : null;
    if (key === hovered.current) return;
    hovered.current = key;
    clearTimeout(openTimer.current);
    const showing = peek && over && peek.personId === over.personId && peek.col === over.col;
    if (showing) clearTimeout(closeTimer.current);
    else if (peek?.via === 'pointer') scheduleClose();
    if (over && !showing) openTimer.current = setTimeout(() => openPeek(over), HOVER_OPEN_MS);
  }

  function onPointerLeaveTable() {
    hovered.current = null;
    clearTimeout(openTimer.current);
    if (peek?.via === 'pointer') scheduleClose();
  }

  function onPopoverBlur(event: FocusEvent<HTMLDivElement>) {
    // Tabbing out of the box (not back to its cell) closes it, as leaving a disclosure does.
    const next = event.relatedTarget as Node | null;
    if (!peek || !next || popoverRef.current?.contains(next) || anchorOf(peek)?.contains(next)) return;
    closePeek();
  }

  // The rows' handlers read the latest render's state through this ref, so the functions rows get never change.
  const rowHandlers = useRef<RowActions | null>(null);
  useLayoutEffect(() => {
    rowHandlers.current = {
      // Focus on the active cell again (or a click on it) changes nothing: no render.
      focus: (row, col) => setActive((a) => (a.row === row && a.col === col ? a : { row, col })),
      click: onCellClick,
    };
  });
  const rowActions = useMemo<RowActions>(
    () => ({
      focus: (row, col) => rowHandlers.current?.focus(row, col),
      click: (event, person, row, col) => rowHandlers.current?.click(event, person, row, col),
    }),
    [],
  );
  const skillHrefs = useMemo(() => columns.map((c) => `?skill=${encodeURIComponent(c.id)}#rate`), [columns]);

  const sortValue = sortValueOf(sort);
  const drawn = shown.slice(first, last);

  return (
    <div className="matrix-app">
      <MatrixTools
        columns={columns}
        shown={shown.length}
        total={people.length}
        query={query}
        sort={sortValue}
        onQuery={setQuery}
        onSort={(v) => setSort(parseSort(v))}
        findRef={findRef}
        sortRef={sortRef}
      />
      {refusal && (
        <p className="notice danger matrix-refusal" role="alert">
          {refusal}
        </p>
      )}
      <div
        className="table-wrap matrix-wrap"
        ref={wrapRef}
        tabIndex={0}
        role="region"
        aria-label={caption}
        onScroll={windowed ? (e) => setScrollTop(e.currentTarget.scrollTop) : undefined}
      >
        <table
          className={pinNames ? 'matrix pin-names' : 'matrix'}
          role="grid"
          aria-rowcount={shown.length + 2}
          aria-colcount={columns.length + 2}
          data-matrix=""
          data-island=""
          data-print-columns="10"
          data-print-keep="2"
          onKeyDown={onKeyDown}
          onPointerOver={onPointerOver}
          onPointerLeave={onPointerLeaveTable}
        >
          <caption className="visually-hidden">
            {caption}. Each cell names the person&apos;s own rating, their manager&apos;s and the target for their tier.
          </caption>
          <thead ref={headRef}>
            <tr aria-rowindex={1}>
              <th scope="col" className="corner" aria-sort={sort.by === 'name' ? 'ascending' : undefined}>
                Person
              </th>
              <th scope="col" className="total" aria-sort={sort.by === 'gap' ? 'descending' : undefined}>
                Gap
              </th>
              {columns.map((c, i) => (
                <th
                  key={c.id}
                  scope="col"
                  className="sk"
                  data-k={c.id}
                  aria-sort={sort.by === 'skill' && sort.index === i ? 'ascending' : undefined}
                >
                  <span title={c.name}>{c.name}</span>
                </th>
              ))}
            </tr>
            <tr className="coverage" aria-rowindex={2}>
              <th scope="row" className="corner">
                Proficient or above
              </th>
              <td className="total"></td>
              {coverage.map((n, i) => (
                <td key={columns[i]!.id} className={`cov${n === 1 ? ' spof' : ''}${n === 0 ? ' none' : ''}`}>
                  <strong>{n}</strong>
                  {n === 1 && (
                    <>
                      <br />
                      <span className="badge danger">only</span>
                    </>
                  )}
                </td>
              ))}
            </tr>
          </thead>
          <tbody>
            {first > 0 && (
              <tr aria-hidden="true" className="spacer" style={{ height: first * rowHeight.current }}>
                <td colSpan={columns.length + 2}></td>
              </tr>
            )}
            {drawn.map((person, k) => {
              const row = first + k;
              return (
                <MatrixRow
                  key={person.id}
                  person={person}
                  row={row}
                  tabCol={row === current.row ? current.col : -1}
                  peekCol={peek && peek.personId === person.id ? peek.col : -1}
                  columns={columns}
                  skillHrefs={skillHrefs}
                  actions={rowActions}
                />
              );
            })}
            {last < shown.length && (
              <tr aria-hidden="true" className="spacer" style={{ height: (shown.length - last) * rowHeight.current }}>
                <td colSpan={columns.length + 2}></td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {peek && peekPerson && peekSkill && (
        <CellPopover
          key={`${peek.personId}:${peek.col}`}
          id={POPOVER_ID}
          ref={popoverRef}
          personName={peekPerson.name}
          skillName={peekSkill.name}
          state={peekState}
          onPointerEnter={() => {
            // On its way here the pointer may have crossed another cell: that one does not open.
            clearTimers();
            hovered.current = null;
          }}
          onPointerLeave={() => peek.via === 'pointer' && scheduleClose()}
          onBlur={onPopoverBlur}
        />
      )}

      {editing && <div className="rating-editor-backdrop" aria-hidden="true" />}
      <dialog
        id="rating-editor"
        className="rating-editor"
        aria-labelledby="editor-title"
        aria-modal="true"
        ref={dialogRef}
        onKeyDown={onEditorKeyDown}
        onClose={() => {
          setEditing(null);
          focusPending.current = true;
          setActive((a) => ({ ...a }));
        }}
      >
        {editing && editingPerson && editingCell && editingSkill && (
          <form
            method="dialog"
            id="editor-form"
            noValidate
            key={`${editing.personId}:${editing.col}`}
            onSubmit={(e) => {
              e.preventDefault();
              void save(e.currentTarget);
            }}
          >
            <div className="editor-body">
              <h2 id="editor-title">
                Rate <span data-person="">{editingPerson.name}</span>
              </h2>
              <p className="editor-skill">
                <strong data-skill="">{editingSkill.name}</strong>
              </p>
              <p className="muted" data-current="">
                Now: {cellDescription(editingCell)}.
              </p>
              <fieldset className="levels">
                <legend>Manager rating</legend>
                {LEVELS.map((l) => (
                  <div className="level-option" key={l.value}>
                    <input
                      type="radio"
                      id={`editor-level-${l.value}`}
                      name="level"
                      value={String(l.value)}
                      defaultChecked={l.value === levelOf(editingCell)}
                      autoFocus={l.value === (levelOf(editingCell) ?? 0)}
                      aria-describedby={`editor-level-${l.value}-def`}
                    />
                    <label htmlFor={`editor-level-${l.value}`}>
                      {l.value} · {l.label}
                    </label>
                    <p className="muted" id={`editor-level-${l.value}-def`}>
                      {l.definition}
                    </p>
                  </div>
                ))}
              </fieldset>
              <div className="field">
                <label htmlFor="editor-note">
                  Note <span className="muted">(optional)</span>
                </label>
                <textarea id="editor-note" name="note" rows={2} maxLength={MAX_NOTE_LENGTH}></textarea>
              </div>
              <div className="field">
                <label htmlFor="editor-evidence">
                  Evidence link <span className="muted">(optional)</span>
                </label>
                <input id="editor-evidence" name="evidenceUrl" type="url" inputMode="url" placeholder="https://" />
              </div>
            </div>
            <p className="field-error" data-error="" role="alert"></p>
            <div className="editor-actions">
              <button type="submit">Save rating</button>
              <button type="button" className="secondary" onClick={() => dialogRef.current?.close()}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </dialog>
      <p id="matrix-status" className="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
    </div>
  );
}
