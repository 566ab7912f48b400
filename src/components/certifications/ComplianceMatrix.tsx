// The compliance matrix as an app (ADR 037): a React island that takes over
// from the server-rendered filters, counts and table (#compliance-server) once
// it runs, and draws the same markup and classes. Filters (state,
// certification, team, name) and the counts apply as you type, with the
// domain's rule (filterComplianceRows), and a month chosen on the expiry
// timeline (ExpiryChart, through compliance-live.ts) narrows the rows to the
// people with an expiry that month and marks those cells. Without JavaScript
// the server's GET filter form and table stay.
import { useEffect, useMemo, useState } from 'react';
import {
  CERT_STATES,
  describeDaysLeft,
  filterComplianceRows,
  STATE_INFO,
  STATUS_LABELS,
  type CertificationStatus,
  type CertState,
} from '#domain/certifications.ts';
import { formatDay, formatMonth, monthOf } from '#domain/calendar.ts';
import { chooseMonth, publishTimeline, useCompliance } from './compliance-live.ts';

/** A cell: 0 when none, else state, expiry, days left, required (1/0) and the plan's status when not held. */
export type CellProp = 0 | [CertState, string | null, number | null, 0 | 1, CertificationStatus | null];
export interface ComplianceRowProp {
  id: number;
  name: string;
  position: string;
  teamId: number;
  teamName: string;
  cells: CellProp[];
}
interface Props {
  today: string;
  columns: { id: string; name: string; shortName: string }[];
  rows: ComplianceRowProp[];
  teams: { id: number; name: string }[];
  certifications: { id: string; name: string }[];
  initial: { state: string; certificationId: string; teamId: string };
  /** The admin's whole organisation comes a page at a time: a team is then loaded by the server, not filtered here. */
  teamByServer: boolean;
  /** Set when the server pages the organisation: a name search is then the server's too (the page holds one slice). */
  search: { q: string; pageSize: number } | null;
  /** The server form's values and focus when the island took over (ComplianceIsland.tsx). */
  takeover?: ComplianceTakeover;
}

/** What the reader had chosen or typed in the server's filter form, and which of its fields had focus. */
export interface ComplianceTakeover {
  teamId: string | null;
  state: string | null;
  certificationId: string | null;
  q: string | null;
  focus: 'team' | 'state' | 'cert' | 'q' | null;
}

type Cell = {
  certificationId: string;
  state: CertState;
  expiresOn: string | null;
  daysLeft: number | null;
  required: boolean;
  plan: CertificationStatus | null;
};
const SHOWN_STATES = CERT_STATES.filter((s) => s !== 'none');

function Badge({ state }: { state: CertState }) {
  const info = STATE_INFO[state];
  return (
    <span className={`badge cert-state ${info.tone === 'info' ? '' : info.tone}`.trim()} data-state={state}>
      {info.label}
    </span>
  );
}

export default function ComplianceMatrix({ today, columns, rows, teams, certifications, initial, teamByServer, search, takeover }: Props) {
  const people = useMemo(
    () =>
      rows.map((r) => ({
        ...r,
        person: { name: r.name, teamId: r.teamId },
        cells: r.cells.map((c, i): Cell =>
          c === 0
            ? { certificationId: columns[i]!.id, state: 'none', expiresOn: null, daysLeft: null, required: false, plan: null }
            : { certificationId: columns[i]!.id, state: c[0], expiresOn: c[1], daysLeft: c[2], required: c[3] === 1, plan: c[4] },
        ),
      })),
    [rows, columns],
  );
  const [state, setState] = useState(takeover?.state ?? initial.state);
  const [certificationId, setCertificationId] = useState(takeover?.certificationId ?? initial.certificationId);
  // The admin's teams are the server's to load: a team chosen before the island came is loaded below.
  const [teamId, setTeamId] = useState(teamByServer ? initial.teamId : (takeover?.teamId ?? initial.teamId));
  const [text, setText] = useState('');
  const { month } = useCompliance();

  // Take over from the server's copy: one set of filters and one table on the page, focus where it was.
  useEffect(() => {
    document.getElementById('compliance-server')?.remove();
    if (teamByServer && takeover?.teamId != null && takeover.teamId !== initial.teamId) chooseTeam(takeover.teamId);
    else if (takeover?.focus) document.getElementById(`c-${takeover.focus}`)?.focus();
    // Once, at mount.
  }, []);

  const view = useMemo(
    () =>
      filterComplianceRows(
        people,
        {
          states: state ? [state as CertState] : [],
          certificationId: certificationId || null,
          teamId: teamId && !teamByServer ? Number(teamId) : null,
          text,
          month,
        },
        today,
      ),
    [people, state, certificationId, teamId, teamByServer, text, month, today],
  );
  useEffect(() => publishTimeline(view.timeline.map((m) => ({ month: m.month, label: formatMonth(m.month), count: m.count }))), [view]);

  const shownColumns = columns.map((c, i) => ({ ...c, i })).filter((c) => !certificationId || c.id === certificationId);
  const names = new Map(columns.map((c) => [c.id, c.name]));
  const gaps = view.rows.flatMap((r) =>
    shownColumns.filter((c) => r.cells[c.i]!.state === 'missing').map((c) => ({ row: r, cell: r.cells[c.i]!, id: `cell-${r.id}-${c.id}` })),
  );
  const clear = () => {
    setState('');
    setCertificationId('');
    setTeamId(teamByServer ? initial.teamId : '');
    setText('');
    chooseMonth(null);
  };
  const chooseTeam = (value: string) => {
    // The admin's organisation is paged: another team is the server's to load.
    if (teamByServer) window.location.assign(`/app/certifications/${value ? `?team=${value}` : ''}`);
    else setTeamId(value);
  };

  return (
    <div className="compliance-app">
      {search && (
        // A plain GET form, as without JavaScript: filtering this page's rows would miss everyone on the other pages.
        <form
          method="get"
          action="/app/certifications/"
          className="card filters"
          role="search"
          aria-label="Find people in the organisation"
        >
          {teamId && <input type="hidden" name="team" value={teamId} />}
          <div className="field">
            <label htmlFor="c-q">Name starts with</label>
            <input id="c-q" name="q" type="search" defaultValue={takeover?.q ?? search.q} maxLength={100} autoComplete="off" />
          </div>
          <div className="filter-buttons">
            <button type="submit">Search the organisation</button>
          </div>
          <p className="muted">
            The whole organisation is shown {search.pageSize} people at a time, by name; the counts, the list of gaps and the timeline are
            for the people on this page. Choose a team for its whole matrix.
          </p>
        </form>
      )}
      <form className="card filters" role="search" aria-label="Filter the matrix" onSubmit={(e) => e.preventDefault()}>
        {teams.length > 1 && (
          <div className="field">
            <label htmlFor="c-team">Team</label>
            <select id="c-team" value={teamId} onChange={(e) => chooseTeam(e.target.value)}>
              <option value="">All my teams</option>
              {teams.map((t) => (
                <option key={t.id} value={String(t.id)}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {!search && (
          <div className="field">
            <label htmlFor="c-text">Name contains</label>
            <input id="c-text" type="search" value={text} onChange={(e) => setText(e.target.value)} maxLength={100} autoComplete="off" />
          </div>
        )}
        <div className="field">
          <label htmlFor="c-state">State</label>
          <select id="c-state" value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">Any state</option>
            {SHOWN_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_INFO[s].label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="c-cert">Certification</label>
          <select id="c-cert" value={certificationId} onChange={(e) => setCertificationId(e.target.value)}>
            <option value="">All certifications</option>
            {certifications.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-buttons">
          <button type="button" className="secondary" onClick={clear}>
            Clear filters
          </button>
        </div>
      </form>
      <p role="status" className="muted" id="compliance-status">
        {view.rows.length} {view.rows.length === 1 ? 'person' : 'people'} shown
        {month && `, with an expiry in ${formatMonth(month)}`}.
      </p>
      {month && (
        <p>
          <button type="button" className="secondary" onClick={() => chooseMonth(null)}>
            Show every month
          </button>
        </p>
      )}

      <section aria-labelledby="counts-title-live">
        <h2 id="counts-title-live">Counts per state</h2>
        <ul className="counts">
          {SHOWN_STATES.map((s) => (
            <li key={s}>
              <button type="button" aria-pressed={state === s} onClick={() => setState(state === s ? '' : s)} data-count={s}>
                <span className="count">{view.counts[s]}</span> <Badge state={s} />
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="matrix-title-live">
        <h2 id="matrix-title-live">People and certifications</h2>
        {view.rows.length === 0 || shownColumns.length === 0 ? (
          <p>
            {view.rows.length === 0
              ? 'Nobody in this view.'
              : 'No certifications are held, planned, required or recommended for these people.'}
          </p>
        ) : (
          <>
            {gaps.length > 0 && (
              <div className="gaps">
                <h3 id="gaps-title-live">Required and missing ({gaps.length})</h3>
                <ul aria-labelledby="gaps-title-live">
                  {gaps.map((g) => (
                    <li key={g.id}>
                      <a href={`#${g.id}`}>
                        {g.row.name}: {names.get(g.cell.certificationId) ?? g.cell.certificationId}
                      </a>
                      {g.cell.plan && <span className="muted"> ({STATUS_LABELS[g.cell.plan]})</span>}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <div className="table-wrap" role="region" aria-label="Compliance matrix, scrolls sideways" tabIndex={0}>
              <table className="matrix" data-island="" data-print-columns="6">
                <caption>
                  {view.rows.length} {view.rows.length === 1 ? 'person' : 'people'} × {shownColumns.length} certification
                  {shownColumns.length === 1 ? '' : 's'}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    {shownColumns.map((c) => (
                      <th scope="col" key={c.id}>
                        <abbr title={c.name}>{c.shortName}</abbr>
                        <span className="visually-hidden"> ({c.name})</span>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {view.rows.map((row) => (
                    <tr key={row.id} data-person={row.id}>
                      <th scope="row">
                        <span className="person">{row.name}</span>
                        <span className="sub muted">
                          {row.position} · {row.teamName}
                        </span>
                      </th>
                      {shownColumns.map((c) => {
                        const cell = row.cells[c.i]!;
                        const hit = month !== null && cell.expiresOn !== null && monthOf(cell.expiresOn) === month;
                        return (
                          <td
                            key={c.id}
                            data-cert={c.id}
                            id={cell.state === 'missing' ? `cell-${row.id}-${c.id}` : undefined}
                            className={hit ? 'hit' : undefined}
                          >
                            {cell.state === 'none' ? (
                              <>
                                <span className="muted" aria-hidden="true">
                                  –
                                </span>
                                <span className="visually-hidden">Not held</span>
                              </>
                            ) : cell.state === 'recommended' ? (
                              <span className="muted advice">Recommended</span>
                            ) : (
                              <Badge state={cell.state} />
                            )}
                            {cell.expiresOn && cell.daysLeft !== null && (
                              <span className="sub">
                                {describeDaysLeft(cell.daysLeft)} ({formatDay(cell.expiresOn)})
                              </span>
                            )}
                            {cell.required && cell.state !== 'missing' && <span className="sub">Required</span>}
                            {cell.plan && cell.state === 'missing' && <span className="sub">{STATUS_LABELS[cell.plan]}</span>}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
