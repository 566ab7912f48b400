// The matrix's search and sort. The island draws it live; the server draws
// the same markup, inert, as the place the island will take over
// (MatrixTable.astro, shown only where scripting runs), so the controls are
// there before React is and the page does not shift when it arrives.
import type { RefObject } from 'react';
import type { MatrixGridColumn } from './MatrixGrid.tsx';

interface Props {
  columns: MatrixGridColumn[];
  shown: number;
  total: number;
  /** The server's copy has an id of its own, the island reads it and then removes it. */
  id?: string;
  query?: string;
  sort?: string;
  onQuery?: (value: string) => void;
  onSort?: (value: string) => void;
  findRef?: RefObject<HTMLInputElement | null>;
  sortRef?: RefObject<HTMLSelectElement | null>;
}

export default function MatrixTools({ columns, shown, total, id, query, sort, onQuery, onSort, findRef, sortRef }: Props) {
  // Uncontrolled on the server (no handlers there), controlled in the island.
  const live = onQuery !== undefined;
  return (
    <div className="matrix-tools" id={id} role="search" aria-label="Filter and sort the matrix">
      <div className="field">
        <label htmlFor="matrix-find">Find a person</label>
        <input
          id="matrix-find"
          type="search"
          autoComplete="off"
          ref={findRef}
          {...(live ? { value: query ?? '', onChange: (e) => onQuery(e.target.value) } : { defaultValue: '' })}
        />
      </div>
      <div className="field">
        <label htmlFor="matrix-sort">Sort by</label>
        <select
          id="matrix-sort"
          ref={sortRef}
          {...(live ? { value: sort ?? 'name', onChange: (e) => onSort?.(e.target.value) } : { defaultValue: 'name' })}
        >
          <option value="name">Name</option>
          <option value="gap">Largest gap first</option>
          {columns.map((c, i) => (
            <option key={c.id} value={`skill:${i}`}>
              {c.name}, lowest first
            </option>
          ))}
        </select>
      </div>
      <p className="muted small" aria-live="polite">
        {shown} of {total} {total === 1 ? 'person' : 'people'} shown.
      </p>
    </div>
  );
}
