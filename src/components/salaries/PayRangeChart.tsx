// The salary chart island: draws bars (ranges, median marked) and markers
// (single figures) prepared by src/lib/domain/salary.ts. It decides nothing:
// labels, values and units arrive as props. Loaded with client:visible, so its
// JavaScript (React + recharts) is fetched only when the chart scrolls into view.
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { ChartItem } from '#domain/salary-chart.ts';
import { formatCompactMoney } from '#domain/format.ts';

interface Props {
  currency: string;
  items: ChartItem[];
}

// Colours meet 3:1 against white (WCAG 1.4.11); the legend beside the chart
// names them, so colour is never the only cue (labels also say "proxy").
const ROLE_FILL = '#0b5cad';
const PROXY_FILL = '#0f7b5f';
const INK = '#1b2430';

interface ShapeProps {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  payload?: ChartItem;
}

function FigureShape({ x = 0, y = 0, width = 0, height = 0, payload }: ShapeProps) {
  if (!payload) return null;
  const cy = y + height / 2 + 6;
  const fill = payload.proxy ? PROXY_FILL : ROLE_FILL;
  if (payload.shape === 'range') {
    const bar = 12;
    const mid =
      payload.mid === null || payload.high === payload.low
        ? null
        : x + (width * (payload.mid - payload.low)) / (payload.high - payload.low);
    return (
      <g>
        <rect x={x} y={cy - bar / 2} width={Math.max(width, 2)} height={bar} rx={3} fill={fill} />
        {mid !== null && <line x1={mid} x2={mid} y1={cy - bar / 2 - 5} y2={cy + bar / 2 + 5} stroke={INK} strokeWidth={3} />}
      </g>
    );
  }
  if (payload.shape === 'from') {
    // "From this figure upwards": a right-pointing triangle.
    return <path d={`M${x - 5},${cy - 7} L${x + 8},${cy} L${x - 5},${cy + 7} Z`} fill={fill} stroke={INK} strokeWidth={1} />;
  }
  return <circle cx={x} cy={cy} r={6} fill={fill} stroke={INK} strokeWidth={1} />;
}

interface TickProps {
  y?: number;
  payload?: { value: string };
  labels: Map<string, string>;
}

/**
 * Label above each bar rather than beside it: on a phone the bars keep the full
 * width. The y-axis is 1 px wide with no margin, so the plot starts at x = 1.
 */
function LabelAbove({ y = 0, payload, labels }: TickProps) {
  return (
    <text x={4} y={y - 7} textAnchor="start" fontSize={12} fill={INK}>
      {labels.get(payload?.value ?? '') ?? ''}
    </text>
  );
}

export default function PayRangeChart({ currency, items }: Props) {
  // The server and the first client render draw only the reserved rows, so
  // hydration matches; recharts (which cannot render on the server) mounts after.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const labels = new Map(items.map((i) => [i.key, i.label]));
  const data = items.map((i) => ({ ...i, span: [i.low, i.high] as [number, number] }));
  return (
    <div className="pay-chart">
      <ol className="pay-chart-rows" aria-hidden="true">
        {items.map((i) => (
          <li key={i.key} />
        ))}
      </ol>
      {mounted && (
        <div className="pay-chart-canvas">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
              <CartesianGrid horizontal={false} stroke="#d5dae1" />
              <XAxis
                type="number"
                domain={[0, 'auto']}
                tickFormatter={(v: number) => formatCompactMoney(v, currency)}
                tick={{ fontSize: 12, fill: INK }}
                stroke="#8a94a3"
                height={28}
              />
              <YAxis
                type="category"
                dataKey="key"
                width={1}
                tickLine={false}
                axisLine={false}
                tick={<LabelAbove labels={labels} />}
                interval={0}
              />
              <Bar dataKey="span" shape={<FigureShape />} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}
