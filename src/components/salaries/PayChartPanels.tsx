// The chart panels as the explorer island draws them after a control changes:
// PayChart.astro's markup (a framed figure per unit, its caption, the reserved
// rows), with PayRangeChart (React + recharts) imported only when a panel
// scrolls into view, as client:visible does for the server-rendered panels.
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { ChartItem, ChartPanel } from '#domain/salary-chart.ts';

const PayRangeChart = lazy(() => import('./PayRangeChart.tsx'));

/** The rows PayRangeChart reserves before it draws: the same height before and after. */
function Reserved({ items }: { items: ChartItem[] }) {
  return (
    <div className="pay-chart">
      <ol className="pay-chart-rows" aria-hidden="true">
        {items.map((i) => (
          <li key={i.key} />
        ))}
      </ol>
    </div>
  );
}

function LazyChart({ panel }: { panel: ChartPanel }) {
  const box = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (seen || !el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setSeen(true);
        io.disconnect();
      }
    });
    io.observe(el);
    return () => io.disconnect();
  }, [seen]);
  return (
    <div ref={box}>
      {seen ? (
        <Suspense fallback={<Reserved items={panel.items} />}>
          <PayRangeChart currency={panel.currency} items={panel.items} />
        </Suspense>
      ) : (
        <Reserved items={panel.items} />
      )}
    </div>
  );
}

export default function PayChartPanels({ panels }: { panels: ChartPanel[] }) {
  return (
    <>
      {panels.map((panel) => (
        <figure className="chart-figure" key={panel.id}>
          <figcaption>
            <strong>{panel.title}</strong>
            {panel.converted && (
              <>
                {' '}
                <span className="badge warn">includes converted figures</span>
              </>
            )}
          </figcaption>
          <LazyChart panel={panel} />
        </figure>
      ))}
    </>
  );
}
