// Paper does not scroll sideways, and Chromium cuts a table wider than the page
// at its right edge. Before printing, each table marked data-print-columns="N"
// that has more than N columns after its first data-print-keep (default 1) is
// copied into chunks of N columns, each repeating those first columns (the
// names), and the copies print instead of the original; after printing they
// go. Copies are made from the rendered table, so they show whatever the
// cells show. Tables with spanning cells are left whole: their columns cannot
// be cut by index.

const CHUNKS = 'print-chunks';
const SPLIT = 'print-split';

function columnCount(table: HTMLTableElement): number {
  return Math.max(0, ...Array.from(table.rows, (row) => row.cells.length));
}

function spans(table: HTMLTableElement): boolean {
  return Array.from(table.rows).some((row) => Array.from(row.cells).some((cell) => cell.colSpan > 1 || cell.rowSpan > 1));
}

/** One copy of `table` with only the kept columns and those in [from, to). */
function chunk(table: HTMLTableElement, keep: number, from: number, to: number, total: number): HTMLTableElement {
  const copy = table.cloneNode(true) as HTMLTableElement;
  copy.removeAttribute('data-print-columns');
  copy.classList.add('print-chunk');
  for (const element of Array.from(copy.querySelectorAll('[id]'))) element.removeAttribute('id');
  for (const row of Array.from(copy.rows)) {
    for (let i = row.cells.length - 1; i >= keep; i--) {
      if (i < from || i >= to) row.deleteCell(i);
    }
  }
  const label = `columns ${from - keep + 1}-${Math.min(to, total) - keep} of ${total - keep}`;
  const caption = copy.caption ?? copy.createCaption();
  caption.classList.remove('visually-hidden');
  caption.append(` (${label})`);
  return copy;
}

export function splitTablesForPrint(root: Document) {
  for (const table of Array.from(root.querySelectorAll<HTMLTableElement>('table[data-print-columns]'))) {
    const per = Number(table.dataset.printColumns);
    const keep = Number(table.dataset.printKeep ?? '1');
    const total = columnCount(table);
    if (!(per > 0) || !(keep >= 0) || total - keep <= per || spans(table)) continue;
    const holder = root.createElement('div');
    holder.className = CHUNKS;
    for (let from = keep; from < total; from += per) holder.append(chunk(table, keep, from, from + per, total));
    const original = table.closest('.table-wrap') ?? table;
    original.classList.add(SPLIT);
    original.after(holder);
  }
}

export function removePrintCopies(root: Document) {
  for (const holder of Array.from(root.querySelectorAll(`.${CHUNKS}`))) holder.remove();
  for (const original of Array.from(root.querySelectorAll(`.${SPLIT}`))) original.classList.remove(SPLIT);
}

/** Splits before every print (the browser's menu, Ctrl+P, window.print()) and restores after. */
export function splitWidePrintTables(win: Window) {
  win.addEventListener('beforeprint', () => {
    removePrintCopies(win.document);
    splitTablesForPrint(win.document);
  });
  win.addEventListener('afterprint', () => removePrintCopies(win.document));
}
