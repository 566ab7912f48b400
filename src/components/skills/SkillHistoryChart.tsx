// One skill's ratings over time: the person's own and their manager's as two
// step lines, and the tier's target as a dashed line. The numbers arrive as
// props and the same numbers are in the table beside it, so the chart is
// hidden from assistive technology. Loaded with client:visible: recharts
// (which cannot render on the server) is fetched only when the chart scrolls
// into view, and the box keeps its height meanwhile, so nothing moves.
import { useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';

interface Point {
  date: string;
  self: number | null;
  manager: number | null;
}

interface Props {
  points: Point[];
  target: number | null;
}

// Both meet 3:1 against white (WCAG 1.4.11); the dash pattern and the legend
// tell the lines apart without colour.
const MANAGER = '#0b5cad';
const SELF = '#0f7b5f';
const TARGET = '#8a5300';
const INK = '#1b2430';

const shortDate = (ms: number) =>
  new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(ms));

export default function SkillHistoryChart({ points, target }: Props) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  // A time axis, so the spacing between ratings shows how long apart they were.
  const data = points.map((p) => ({ ...p, t: Date.parse(`${p.date}T00:00:00Z`) }));
  return (
    <div className="skill-chart" aria-hidden="true">
      {mounted && (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 12, right: 16, bottom: 4, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#d5dae1" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              padding={{ left: 12, right: 12 }}
              tickFormatter={shortDate}
              tick={{ fontSize: 12, fill: INK }}
              stroke="#8a94a3"
              minTickGap={24}
            />
            <YAxis
              domain={[0, 4]}
              ticks={[0, 1, 2, 3, 4]}
              allowDecimals={false}
              width={28}
              tick={{ fontSize: 12, fill: INK }}
              stroke="#8a94a3"
            />
            {target !== null && (
              <ReferenceLine
                y={target}
                stroke={TARGET}
                strokeDasharray="2 4"
                strokeWidth={2}
                label={{ value: `Target ${target}`, position: 'insideTopRight', fill: TARGET, fontSize: 12 }}
              />
            )}
            <Line
              type="stepAfter"
              dataKey="manager"
              name="Manager"
              stroke={MANAGER}
              strokeWidth={3}
              dot={{ r: 4 }}
              connectNulls
              isAnimationActive={false}
            />
            <Line
              type="stepAfter"
              dataKey="self"
              name="Self"
              stroke={SELF}
              strokeWidth={2}
              strokeDasharray="6 4"
              dot={{ r: 4 }}
              connectNulls
              isAnimationActive={false}
            />
            <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 13, color: INK }} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
