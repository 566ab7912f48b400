// The matrix cell's popover (MatrixGrid.tsx): one person's self and manager
// rating of one skill with notes, evidence, who and when, the target, the
// recent history and a link to all of it. Props in, markup out: the grid
// fetches the details, places the box and decides when it opens and closes.
//
// A non-modal dialog, not a tooltip: it holds links (evidence, all history),
// and a tooltip must hold none. Focus stays on the grid cell, which points at
// the box with aria-describedby; Tab from the cell reaches its links (the box
// follows the grid in the document). Notes are the raters' own words and are
// rendered as text.
import { forwardRef, type FocusEvent } from 'react';
import type { CellRating, SkillCellDetails } from '#server/skills/index.ts';

export type CellDetailsState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; details: SkillCellDetails };

export interface CellPopoverProps {
  id: string;
  /** From the grid, so the box is named before its details arrive. */
  personName: string;
  skillName: string;
  state: CellDetailsState;
  onPointerEnter: () => void;
  onPointerLeave: () => void;
  onBlur: (event: FocusEvent<HTMLDivElement>) => void;
}

const KIND = { self: 'Self', manager: 'Manager' } as const;
/** Links were checked when the rating was saved (http or https only); checked again before they become an href. */
const isWebLink = (url: string | null): url is string => url !== null && /^https?:\/\//i.test(url);

function Evidence({ url }: { url: string | null }) {
  if (!isWebLink(url)) return null;
  return (
    <a href={url} rel="noopener noreferrer nofollow" target="_blank" className="pop-evidence">
      Evidence<span className="visually-hidden"> (opens in a new tab)</span>
    </a>
  );
}

function Latest({ rating }: { rating: CellRating | null }) {
  if (!rating) return <dd className="muted">Not rated</dd>;
  return (
    <dd>
      <strong>
        {rating.level} {rating.label}
      </strong>
      , <time dateTime={rating.ratedAtIso}>{rating.ratedAt}</time>, by {rating.by}
      {rating.note && <q className="pop-note">{rating.note}</q>}
      <Evidence url={rating.evidenceUrl} />
    </dd>
  );
}

function Details({ details }: { details: SkillCellDetails }) {
  const { history, olderCount } = details;
  return (
    <>
      <dl className="pop-latest">
        <dt>Self</dt>
        <Latest rating={details.self} />
        <dt>Manager</dt>
        <Latest rating={details.manager} />
        <dt>Target</dt>
        <dd>{details.target === null ? 'None for their tier' : details.target}</dd>
      </dl>
      <p className="pop-heading">Recent history</p>
      {history.length === 0 ? (
        <p className="muted">No ratings yet.</p>
      ) : (
        <ol className="pop-history">
          {history.map((h, i) => (
            <li key={i}>
              <time dateTime={h.ratedAtIso}>{h.ratedAt}</time>: {KIND[h.kind]} {h.level} {h.label}, by {h.by}
              {h.note && <q className="pop-note">{h.note}</q>}
              <Evidence url={h.evidenceUrl} />
            </li>
          ))}
        </ol>
      )}
      {olderCount > 0 && (
        <p className="muted">
          {olderCount} older rating{olderCount === 1 ? '' : 's'} on their page.
        </p>
      )}
      <p className="muted pop-zone">Times in {details.timeZone}.</p>
    </>
  );
}

const CellPopover = forwardRef<HTMLDivElement, CellPopoverProps>(function CellPopover(
  { id, personName, skillName, state, onPointerEnter, onPointerLeave, onBlur },
  ref,
) {
  return (
    <div
      id={id}
      ref={ref}
      className="cell-popover"
      role="dialog"
      aria-label={`${personName}, ${skillName}: ratings and history`}
      aria-busy={state.status === 'loading' ? true : undefined}
      popover="manual"
      onPointerEnter={onPointerEnter}
      onPointerLeave={onPointerLeave}
      onBlur={onBlur}
    >
      <p className="pop-title">
        <strong>{personName}</strong> · {skillName}
      </p>
      {state.status === 'loading' && <p className="muted">Loading…</p>}
      {state.status === 'error' && <p className="pop-error">{state.message}</p>}
      {state.status === 'ok' && <Details details={state.details} />}
      {state.status === 'ok' && (
        <p className="pop-all">
          <a href={state.details.historyHref}>
            All history<span className="visually-hidden"> of {`${personName}, ${skillName}`}</span>
          </a>
        </p>
      )}
    </div>
  );
});

export default CellPopover;
