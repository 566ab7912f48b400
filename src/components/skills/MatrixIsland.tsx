// The skills matrix island as the page loads it: client:interaction on the
// heatmap (MatrixTable.astro), so React and the grid are fetched and drawn at
// the first sign of use (pointer over, focus, a key), not at page load, where
// drawing a team's few thousand cells blocked the main thread for about a
// second on a phone (Lighthouse, decision 037). Until then the server's table
// is the page; MatrixGrid then carries on from what the reader did there.
import { onDemand } from '#components/islands/on-demand.tsx';
import MatrixGrid, { type Takeover } from './MatrixGrid.tsx';

/** The server copy's state: its search, its sort and the focused control or cell. */
function readServerCopy(doc: Document): Takeover {
  const find = doc.getElementById('matrix-find') as HTMLInputElement | null;
  const sort = doc.getElementById('matrix-sort') as HTMLSelectElement | null;
  const active = doc.activeElement;
  let focus: Takeover['focus'] = null;
  if (active && active === find) focus = { to: 'find' };
  else if (active && active === sort) focus = { to: 'sort' };
  else if (active?.closest('#matrix-server')) {
    const row = active.closest<HTMLElement>('tr[data-p]');
    const cell = active.closest('td.c');
    if (!row) focus = { to: 'wrap' };
    else {
      // Grid columns: 0 the name, 1 the gap, then the skills in order (as MatrixGrid counts them).
      const col = cell ? Array.from(row.querySelectorAll('td.c')).indexOf(cell) + 2 : 0;
      focus = { to: 'cell', personId: Number(row.dataset.p), col };
    }
  }
  return { query: find?.value ?? '', sort: sort?.value ?? 'name', focus };
}

export default onDemand(MatrixGrid, readServerCopy);
