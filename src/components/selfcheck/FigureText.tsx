// A figure inside an island: the same plain figure object and the same label
// rule as Figure.astro (src/lib/domain/figure.ts), so the island cannot show
// a number without its kind, source and year.
import { figureLabel, figureValue, type Figure } from '#domain/figure.ts';

export function FigureText({ figure }: { figure: Figure }) {
  return (
    <span className="figure" data-figure-kind={figure.kind} data-figure-source={figure.source} data-figure-year={String(figure.year)}>
      <span className="figure-value">{figureValue(figure)}</span> <span className="figure-label muted">({figureLabel(figure)})</span>
    </span>
  );
}
