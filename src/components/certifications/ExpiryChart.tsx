// Expiries per month for the next 12 months, as bars. The island decides
// nothing: the months and counts arrive as props, and the same numbers are in
// the table beside it. Loaded with client:visible; its box has a fixed height
// (see ExpiryTimeline.astro), so nothing moves when recharts mounts.
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, XAxis, YAxis } from 'recharts';

interface Props {
  months: { label: string; count: number }[];
}

// 4.5:1+ against white; the axis labels carry the values' meaning.
const BAR = '#0b5cad';
const INK = '#1b2430';

export default function ExpiryChart({ months }: Props) {
  // Server render and first client render are the empty box, so hydration
  // matches; recharts (which cannot render on the server) mounts after.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const summary = months.map((m) => `${m.label}: ${m.count}`).join(', ');
  const max = Math.max(1, ...months.map((m) => m.count));
  return (
    <div className="expiry-chart" role="img" aria-label={`Certifications expiring per month. ${summary}.`}>
      {mounted && (
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={months} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="#d5dae1" />
            <XAxis dataKey="label" tick={{ fontSize: 11, fill: INK }} stroke="#8a94a3" interval="preserveStartEnd" minTickGap={4} />
            <YAxis allowDecimals={false} domain={[0, max]} tick={{ fontSize: 11, fill: INK }} stroke="#8a94a3" width={40} />
            <Bar dataKey="count" fill={BAR} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
