// The trends chart island: three lines (skills covered, required certifications
// valid, ramp plans on track, each as a share) over the last 12 months. It
// decides nothing: the points arrive as props, computed by #domain/trends.ts,
// and the table beside it holds every number. Loaded with client:visible.
import { useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartPoint } from '#domain/trends.ts';

interface Props {
  points: ChartPoint[];
}

// Colours meet 3:1 against white; each line also has its own dash and marker, so colour is never the only cue.
const SERIES = [
  { key: 'coverage', name: 'Skills covered at proficient or above', stroke: '#0b5cad', dash: undefined },
  { key: 'compliant', name: 'Required certifications valid', stroke: '#0f7b5f', dash: '6 3' },
  { key: 'onTrack', name: 'Ramp plans on track', stroke: '#8a4b00', dash: '2 3' },
] as const;
const INK = '#1b2430';

export default function TrendChart({ points }: Props) {
  // Recharts cannot render on the server: the server and the first client render draw the reserved box only.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <div className="trend-chart" data-mounted={mounted ? 'true' : undefined}>
      {mounted && (
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#d5dae1" />
            <XAxis dataKey="day" tick={{ fontSize: 12, fill: INK }} stroke="#8a94a3" />
            <YAxis domain={[0, 100]} unit="%" width={48} tick={{ fontSize: 12, fill: INK }} stroke="#8a94a3" />
            <Tooltip formatter={(v) => (v === null || v === undefined ? 'no data' : `${String(v)}%`)} />
            <Legend wrapperStyle={{ fontSize: 13, color: INK }} />
            {SERIES.map((s) => (
              <Line
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.name}
                stroke={s.stroke}
                strokeWidth={2}
                strokeDasharray={s.dash}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
