// Expiries per month for the next 12 months, as bars (ADR 037). Rendered on the
// server as plain bars; once hydrated (client:visible) each month is a toggle
// button that shows only the people with an expiry that month in the
// compliance matrix above (compliance-live.ts), and the bars follow the
// matrix's filters. The same numbers are in the table beside it. No chart
// library: twelve bars are a few lines of markup, and recharts cost ~100 KB gzip.
import { useEffect, useState } from 'react';
import { chooseMonth, useCompliance, type LiveMonth } from './compliance-live.ts';

// Heights are classes in 5% steps (ExpiryTimeline.astro): this is rendered on
// the server, and the CSP refuses style="" attributes in served HTML.
const STEPS = 20;

interface Props {
  months: LiveMonth[];
}

export default function ExpiryChart({ months: initial }: Props) {
  // Server render and first client render are the same plain bars, so hydration matches.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const live = useCompliance();
  const months = live.months ?? initial;
  const max = Math.max(1, ...months.map((m) => m.count));
  const bars = months.map((m) => {
    // Read in DOM order as "Dec 2026: 1 expiry"; CSS order draws the count on top and the month under the bar.
    const inner = (
      <>
        <span className="bar-label">
          {m.label}
          <span className="visually-hidden">:</span>
        </span>
        <span className="bar-count">{m.count}</span>
        <span className="visually-hidden"> expir{m.count === 1 ? 'y' : 'ies'}</span>
        <span className={`bar h${Math.round((m.count / max) * STEPS)}`} />
      </>
    );
    return mounted ? (
      <li key={m.month}>
        <button
          type="button"
          className="bar-button"
          data-month={m.month}
          aria-pressed={live.month === m.month}
          onClick={() => chooseMonth(live.month === m.month ? null : m.month)}
        >
          {inner}
        </button>
      </li>
    ) : (
      <li key={m.month}>
        <span className="bar-button">{inner}</span>
      </li>
    );
  });
  return (
    <div className="expiry-chart">
      {/* Always there, hidden until the buttons work: the box keeps its height. */}
      <p className={`muted chart-hint${mounted ? '' : ' unready'}`} id="expiry-chart-hint">
        Choose a month to show its people in the matrix; choose it again to show everyone.
      </p>
      <ul className="bars" aria-label="Expiries per month" aria-describedby={mounted ? 'expiry-chart-hint' : undefined}>
        {bars}
      </ul>
    </div>
  );
}
