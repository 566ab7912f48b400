// The explorer's tables: one per role; per region a header row, then a row per
// published figure and a "No data" row for chosen levels or percentiles that
// nothing was published for. One markup for both sides: the server renders it
// (no directive, 0 B of JavaScript: the page is complete without JS) and the
// explorer island renders the same component when a control changes.
//
// Layout for a 360 px screen: the row header (level or percentile, with the kind
// of figure under it) and the amount come first and fit the width; the source
// column scrolls. The region is a row-group header; `headers` attributes tie
// every cell to its region, row and column, since screen-reader support for
// scope="rowgroup" alone is uneven.
import { groupSources, proxyNotes, type ExplorerRole, type FigureRow } from '#domain/salary-explorer.ts';
import { figureLabel, type Figure } from '#domain/figure.ts';

/** Figure.astro's markup (block layout, the number as this view shows it): the label always beside it. */
function PayFigure({ figure, shown }: { figure: Figure; shown: string }) {
  return (
    <span className="figure block" data-figure-kind={figure.kind} data-figure-source={figure.source} data-figure-year={String(figure.year)}>
      <span className="figure-value">{shown}</span>
      <span className="figure-label">{figureLabel(figure)}</span>
      {figure.note && <span className="figure-note">{figure.note}</span>}
    </span>
  );
}

function FigureLine({ row, rowId, cellHeaders }: { row: FigureRow; rowId: string; cellHeaders: (col: string) => string }) {
  const measure = [row.measureLabel, row.qualifier && `(${row.qualifier.label})`].filter(Boolean).join(' ');
  return (
    <tr data-figure={row.id}>
      <th scope="row" id={rowId} headers={cellHeaders('what-row')}>
        {row.bandLabel}
        {row.proxy && (
          <>
            {' '}
            <span className="badge warn">proxy</span>
          </>
        )}
        {measure && <span className="measure">{measure}</span>}
      </th>
      <td className="num amount" headers={cellHeaders('amount')}>
        <PayFigure figure={row.figure} shown={row.shown.text} />
        {row.shown.converted && (
          <span className="conversion">
            {' '}
            <span className="badge converted">converted</span> <span className="original">from {row.shown.original}</span>
          </span>
        )}
      </td>
      <td className="source" headers={cellHeaders('source')}>
        {row.source.url ? <a href={row.source.url}>{row.source.label}</a> : <span>{row.source.label}</span>}, {row.source.year}
      </td>
    </tr>
  );
}

export default function PayTables({ roles, amountHeader }: { roles: ExplorerRole[]; amountHeader: string }) {
  return (
    <>
      {roles.map((role) => (
        <section className="pay-role" aria-labelledby={`pay-${role.role}`} key={role.role}>
          <h3 id={`pay-${role.role}`}>{role.title}</h3>
          <div className="table-wrap" role="region" tabIndex={0} aria-labelledby={`pay-caption-${role.role}`}>
            <table className="pay-table" data-role={role.role}>
              <caption id={`pay-caption-${role.role}`}>{role.title}: pay by region, and by level or percentile</caption>
              <thead>
                <tr>
                  <th scope="col" id={`${role.role}-h-what`}>
                    Level or percentile, and figure
                  </th>
                  <th scope="col" id={`${role.role}-h-amount`} className="num">
                    {amountHeader}
                  </th>
                  <th scope="col" id={`${role.role}-h-source`}>
                    Source, data year
                  </th>
                </tr>
              </thead>
              {role.groups.map((group, g) => {
                const regionId = `${role.role}-g${g}`;
                const proxies = proxyNotes(group);
                const sources = groupSources(group);
                return (
                  <tbody data-regions={group.regions.join(' ')} key={group.regions.join(' ')}>
                    <tr className="region-row">
                      <th scope="rowgroup" colSpan={3} id={regionId}>
                        {group.regionLabel}
                      </th>
                    </tr>
                    {sources.length > 0 && (
                      <tr className="group-note">
                        <td colSpan={3} headers={regionId}>
                          {proxies.map((note) => (
                            <p key={note}>
                              <strong>Proxy:</strong> {note}
                            </p>
                          ))}
                          <details>
                            <summary>
                              Full source{sources.length > 1 ? 's' : ''} and notes
                              <span className="visually-hidden">, {group.regionLabel}</span>
                            </summary>
                            {sources.map(({ source, notes }) => (
                              <div className="source-detail" key={`${source.name}|${source.url ?? ''}|${source.year}`}>
                                <p>
                                  {source.url ? <a href={source.url}>{source.name}</a> : <>{source.name} (no web address published)</>};
                                  data year: {source.year}.
                                </p>
                                {notes.map((n) => (
                                  <p className="muted" key={n}>
                                    {n}
                                  </p>
                                ))}
                              </div>
                            ))}
                          </details>
                        </td>
                      </tr>
                    )}
                    {group.rows.map((row, r) => {
                      const rowId = `${regionId}-r${r}`;
                      const cellHeaders = (col: string) =>
                        col === 'what-row' ? `${regionId} ${role.role}-h-what` : `${regionId} ${rowId} ${role.role}-h-${col}`;
                      return row.kind === 'figure' ? (
                        <FigureLine key={row.id} row={row} rowId={rowId} cellHeaders={cellHeaders} />
                      ) : (
                        <tr className="no-data" data-no-data={row.bands.join(' ')} key={`no-data-${row.bands.join(' ')}`}>
                          <th scope="row" id={rowId} headers={cellHeaders('what-row')}>
                            {row.label}
                          </th>
                          <td className="num" headers={cellHeaders('amount')}>
                            <strong>No data</strong>
                          </td>
                          <td headers={cellHeaders('source')}>None published</td>
                        </tr>
                      );
                    })}
                  </tbody>
                );
              })}
            </table>
          </div>
        </section>
      ))}
    </>
  );
}
