// Keyboard editing for the server-rendered skills matrix (MatrixTable.astro).
// One small script for the whole table instead of an island per cell, so a
// 500 x 60 matrix stays a plain table for the browser:
// - the cells form one tab stop (roving tabindex); arrow keys, Home and End
//   move between them;
// - Enter (or a click) opens the rating editor, a modal <dialog>; saving posts
//   JSON to /app/skills/rating and updates the cell, its row's gap and its
//   column's coverage in place;
// - without this script every cell is a link to the rating form.
// No framework: it only reads and writes a few DOM nodes.

type Cell = { self: number | null; manager: number | null; target: number | null; band: string };
type SaveResponse = { cell?: Cell & { description: string }; error?: string; fieldErrors?: Record<string, string> };

const PROFICIENT = 3;
const PAGE_ROWS = 10;

/**
 * A cell link's numbers, back from its bars (MatrixTable.astro): three <i>,
 * self, manager and target, each with class "l0".."l4", or none where there
 * is no number.
 */
export function readCell(a: Element | null | undefined): Omit<Cell, 'band'> {
  const bars = Array.from(a?.querySelectorAll(':scope > i') ?? []);
  const n = (i: number) => {
    const m = /\bl(\d)\b/.exec(bars[i]?.className ?? '');
    return m ? Number(m[1]) : null;
  };
  return { self: n(0), manager: n(1), target: n(2) };
}

/** The bars for a cell, as the server draws them. */
function drawCell(doc: Document, a: HTMLAnchorElement, cell: Cell & { description: string }) {
  const bar = (n: number | null) => {
    const i = doc.createElement('i');
    if (n !== null) i.className = `l${n}`;
    return i;
  };
  a.replaceChildren(bar(cell.self), bar(cell.manager), bar(cell.target));
  a.setAttribute('aria-label', cell.description);
}

const current = (c: Omit<Cell, 'band'>) => c.manager ?? c.self;

export function enhanceMatrix(doc: Document): void {
  const table = doc.querySelector<HTMLTableElement>('table[data-matrix]');
  const dialog = doc.getElementById('rating-editor') as HTMLDialogElement | null;
  const form = doc.getElementById('editor-form') as HTMLFormElement | null;
  const status = doc.getElementById('matrix-status');
  const body = table?.tBodies[0];
  if (!table || !body || !dialog || !form || typeof dialog.showModal !== 'function') return;
  const head = table.tHead!;
  const wrap = table.closest<HTMLElement>('.matrix-wrap');
  const skillHeaders = Array.from(head.rows[0]!.cells);
  const coverageRow = head.rows[1]!;
  const firstSkill = skillHeaders.findIndex((th) => th.dataset.k !== undefined);
  if (firstSkill === -1) return;

  doc.getElementById('matrix-keys')?.removeAttribute('hidden');

  // The grid: each row's name link, then its skill cells. Until someone
  // reaches into it, the page stays exactly as the server sent it: touching
  // 30,000 links or measuring the table at load would cost the first paint.
  const isGridLink = (el: EventTarget | null): el is HTMLAnchorElement =>
    el instanceof HTMLAnchorElement &&
    (el.parentElement?.classList.contains('c') === true || (el.parentElement?.matches('tbody th[scope="row"]') ?? false));

  /** A row of someone the viewer sees but may not rate (MatrixTable's data-readonly). */
  const readOnly = (a: HTMLAnchorElement) => a.closest('tr')?.hasAttribute('data-readonly') === true;

  let active: HTMLAnchorElement | null = null;
  let ready = false;
  /** One tab stop for the whole grid (roving tabindex), set up on first use. */
  function prepare(current: HTMLAnchorElement) {
    if (ready) return;
    ready = true;
    body!.querySelectorAll<HTMLAnchorElement>('td.c > a, th[scope="row"] > a').forEach((a) => (a.tabIndex = a === current ? 0 : -1));
    active = current;
    // Focused cells scroll clear of the sticky header (and the names column when it is pinned).
    if (wrap) {
      wrap.style.scrollPaddingTop = `${head.offsetHeight}px`;
      if (table!.classList.contains('pin-names')) wrap.style.scrollPaddingLeft = `${body!.rows[0]?.cells[0]?.offsetWidth ?? 0}px`;
    }
  }

  const focusCell = (a: HTMLAnchorElement) => {
    if (active && active !== a) active.tabIndex = -1;
    a.tabIndex = 0;
    active = a;
    a.focus({ preventScroll: true });
    a.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };

  /** Column 0 is the name; skill columns start at firstSkill (the gap column between is skipped). */
  const linkAt = (row: number, col: number) => {
    const tr = body.rows[Math.max(0, Math.min(body.rows.length - 1, row))];
    const cells = tr?.cells;
    if (!cells) return null;
    const index = col < firstSkill ? 0 : Math.min(cells.length - 1, col);
    return cells[index]?.querySelector<HTMLAnchorElement>(':scope > a') ?? null;
  };

  const position = (a: HTMLAnchorElement) => {
    const td = a.parentElement as HTMLTableCellElement;
    return { row: (td.parentElement as HTMLTableRowElement).sectionRowIndex, col: td.cellIndex };
  };

  table.addEventListener('focusin', (event) => {
    const a = event.target;
    if (!isGridLink(a)) return;
    prepare(a);
    if (a !== active) {
      if (active) active.tabIndex = -1;
      a.tabIndex = 0;
      active = a;
    }
  });

  table.addEventListener('keydown', (event) => {
    const a = event.target;
    if (!isGridLink(a) || event.altKey || event.metaKey) return;
    const { row, col } = position(a);
    const onName = col === 0;
    const last = body.rows[row]!.cells.length - 1;
    let next: HTMLAnchorElement | null;
    switch (event.key) {
      case 'ArrowRight':
        next = linkAt(row, onName ? firstSkill : col + 1);
        break;
      case 'ArrowLeft':
        next = onName ? a : linkAt(row, col === firstSkill ? 0 : col - 1);
        break;
      case 'ArrowDown':
        next = linkAt(row + 1, col);
        break;
      case 'ArrowUp':
        next = linkAt(row - 1, col);
        break;
      case 'PageDown':
        next = linkAt(row + PAGE_ROWS, col);
        break;
      case 'PageUp':
        next = linkAt(row - PAGE_ROWS, col);
        break;
      case 'Home':
        next = linkAt(event.ctrlKey ? 0 : row, 0);
        break;
      case 'End':
        next = linkAt(event.ctrlKey ? body.rows.length - 1 : row, last);
        break;
      case 'Enter':
        if (onName || readOnly(a)) return; // the link opens the person's page
        event.preventDefault();
        open(a);
        return;
      default:
        return;
    }
    event.preventDefault();
    if (next) focusCell(next);
  });

  // A plain click edits in place too; a modified click still opens the form page.
  table.addEventListener('click', (event) => {
    const a = (event.target as Element | null)?.closest?.('td.c > a');
    if (!(a instanceof HTMLAnchorElement) || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    if (readOnly(a)) return; // someone the viewer may not rate: their page, as without JavaScript
    event.preventDefault();
    focusCell(a);
    open(a);
  });

  let editing: { a: HTMLAnchorElement; personId: number; skillId: string; person: string; skill: string } | null = null;
  const errorBox = form.querySelector<HTMLElement>('[data-error]')!;
  const saveButton = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;

  function open(a: HTMLAnchorElement) {
    const td = a.parentElement as HTMLTableCellElement;
    const tr = td.parentElement as HTMLTableRowElement;
    const th = skillHeaders[td.cellIndex];
    const personId = Number(tr.dataset.p);
    const skillId = th?.dataset.k;
    if (!personId || !skillId) return;
    const person = tr.cells[0]?.querySelector('a')?.textContent?.trim() ?? '';
    const skill = th?.textContent?.trim() ?? '';
    editing = { a, personId, skillId, person, skill };
    const cell = readCell(a);
    form!.querySelector('[data-person]')!.textContent = person;
    form!.querySelector('[data-skill]')!.textContent = skill;
    const v = (n: number | null) => (n === null ? 'not rated' : String(n));
    form!.querySelector('[data-current]')!.textContent =
      `Now: self ${v(cell.self)}, manager ${v(cell.manager)}, target ${cell.target === null ? 'none' : cell.target}.`;
    form!.reset();
    errorBox.textContent = '';
    const preset = form!.querySelector<HTMLInputElement>(`input[name="level"][value="${cell.manager ?? cell.self ?? ''}"]`);
    if (preset) preset.checked = true;
    dialog!.showModal();
    (preset ?? form!.querySelector<HTMLInputElement>('input[name="level"]'))?.focus();
  }

  form.querySelector('[data-cancel]')?.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (editing) focusCell(editing.a);
    editing = null;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!editing) return;
    const data = new FormData(form);
    const level = data.get('level');
    if (level === null) {
      errorBox.textContent = 'Choose a level from 0 to 4.';
      form.querySelector<HTMLInputElement>('input[name="level"]')?.focus();
      return;
    }
    saveButton.disabled = true;
    errorBox.textContent = '';
    const target = editing;
    try {
      const response = await fetch('/app/skills/rating', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          personId: target.personId,
          skillId: target.skillId,
          level: Number(level),
          note: String(data.get('note') ?? ''),
          evidenceUrl: String(data.get('evidenceUrl') ?? ''),
        }),
      });
      const result = (await response.json().catch(() => ({}))) as SaveResponse;
      if (response.status === 401) {
        errorBox.textContent = 'Your session has ended. Sign in again in another tab, then save.';
        return;
      }
      if (!response.ok || !result.cell) {
        const fields = Object.values(result.fieldErrors ?? {});
        errorBox.textContent = fields.length ? fields.join(' ') : (result.error ?? 'The rating could not be saved. Try again.');
        return;
      }
      updateCell(target.a, result.cell);
      if (status) status.textContent = `Saved. ${target.person}, ${target.skill}: ${result.cell.description}.`;
      dialog.close();
    } catch {
      errorBox.textContent = 'The rating could not be saved: check your connection and try again.';
    } finally {
      saveButton.disabled = false;
    }
  });

  function updateCell(a: HTMLAnchorElement, cell: Cell & { description: string }) {
    drawCell(doc, a, cell);
    const td = a.parentElement as HTMLTableCellElement;
    td.className = `c b-${cell.band}`;
    const tr = td.parentElement as HTMLTableRowElement;
    // The row's total gap and the column's coverage follow from the cells' bars.
    let gap = 0;
    for (const other of Array.from(tr.cells).slice(firstSkill)) {
      const c = readCell(other.querySelector(':scope > a'));
      const level = current(c);
      if (c.target !== null && level !== null) gap += Math.max(c.target - level, 0);
    }
    const total = tr.querySelector('td.total');
    if (total) total.textContent = String(gap);
    let holders = 0;
    for (const row of Array.from(body!.rows)) {
      const level = current(readCell(row.cells[td.cellIndex]?.querySelector(':scope > a')));
      if (level !== null && level >= PROFICIENT) holders++;
    }
    const cov = coverageRow.cells[td.cellIndex];
    if (cov) {
      const strong = doc.createElement('strong');
      strong.textContent = String(holders);
      const parts: Node[] = [strong];
      if (holders === 1) {
        const badge = doc.createElement('span');
        badge.className = 'badge danger';
        badge.textContent = 'only';
        parts.push(doc.createElement('br'), badge);
      }
      cov.replaceChildren(...parts);
      cov.classList.toggle('spof', holders === 1);
      cov.classList.toggle('none', holders === 0);
    }
  }
}
