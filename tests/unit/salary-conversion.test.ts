// Conversion and rounding rules of the salary explorer (src/lib/domain/salary.ts).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  CURRENCIES,
  PERIODS,
  ROUNDING_RULE,
  conversionFactor,
  convertAmount,
  convertValue,
  formatAmount,
  type FxRates,
  type Unit,
} from '#domain/salary.ts';
import type { SalaryFigure } from '#content/schema.ts';
import { showFigure } from '#domain/salary-explorer.ts';
import { describeRates } from '#domain/salary.ts';
import { formatDayInWords } from '#domain/calendar.ts';

// The pinned fixing in content/fx.yaml (BNR, 8 Jan 2026).
const fx: FxRates = { date: '2026-01-08', source: 'BNR', ronPerEur: 5.0871, ronPerUsd: 4.3558 };
const u = (currency: Unit['currency'], period: Unit['period']): Unit => ({ currency, period });
const unit = fc.record({ currency: fc.constantFrom(...CURRENCIES), period: fc.constantFrom(...PERIODS) });

function figure(over: Partial<SalaryFigure>): SalaryFigure {
  return {
    id: 'x',
    role: 'operations-support-specialist',
    country: 'RO',
    city: 'Bucharest',
    level: 'entry',
    percentile: null,
    measure: 'range',
    min: 4500,
    max: 7000,
    value: null,
    currency: 'RON',
    period: 'monthly',
    basis: 'gross',
    kind: 'role',
    source: 'Somewhere',
    dataYear: null,
    ...over,
  };
}

describe('conversion factors', () => {
  it('converts currencies through RON at the BNR rates', () => {
    expect(conversionFactor(u('EUR', 'monthly'), u('RON', 'monthly'), fx)).toBe(5.0871);
    expect(conversionFactor(u('USD', 'annual'), u('RON', 'annual'), fx)).toBe(4.3558);
    expect(conversionFactor(u('EUR', 'annual'), u('USD', 'annual'), fx)).toBeCloseTo(5.0871 / 4.3558, 12);
  });

  it('turns monthly into annual by ×12 and back by ÷12', () => {
    expect(conversionFactor(u('RON', 'monthly'), u('RON', 'annual'), fx)).toBe(12);
    expect(conversionFactor(u('USD', 'annual'), u('USD', 'monthly'), fx)).toBeCloseTo(1 / 12, 15);
  });

  it('is 1 for the same unit and inverse in the other direction', () => {
    fc.assert(
      fc.property(unit, unit, (a, b) => {
        expect(conversionFactor(a, a, fx)).toBe(1);
        expect(conversionFactor(a, b, fx) * conversionFactor(b, a, fx)).toBeCloseTo(1, 12);
      }),
    );
  });
});

describe('rounding', () => {
  it('states the rule once, in words the page shows', () => {
    expect(ROUNDING_RULE).toMatch(/nearest whole unit/);
    expect(ROUNDING_RULE).toMatch(/end by end/);
  });

  it('rounds a converted value to the nearest whole unit, once, at the end', () => {
    // 6,000 RON/month in EUR: 1,179.45 → 1,179 (the worked example on the issue).
    expect(convertValue(6000, u('RON', 'monthly'), u('EUR', 'monthly'), fx)).toBe(1179);
    // 4,500 RON/month → 884.59 EUR → 885.
    expect(convertValue(4500, u('RON', 'monthly'), u('EUR', 'monthly'), fx)).toBe(885);
    // $49,500/year → $4,125/month → 17,967.68 RON → €3,532.0 (rounding once, not per step).
    expect(convertValue(49500, u('USD', 'annual'), u('EUR', 'monthly'), fx)).toBe(3532);
    // 12 × 4,500 = 54,000: exact, no rounding artefacts.
    expect(convertValue(4500, u('RON', 'monthly'), u('RON', 'annual'), fx)).toBe(54000);
  });

  it('never touches a figure shown in its own unit', () => {
    fc.assert(
      fc.property(unit, fc.double({ min: 1, max: 1e7, noNaN: true }), (a, v) => {
        expect(convertValue(v, a, a, fx)).toBe(v);
      }),
    );
  });

  it('always yields whole numbers when converting', () => {
    fc.assert(
      fc.property(unit, unit, fc.integer({ min: 1, max: 10_000_000 }), (a, b, v) => {
        expect(Number.isInteger(convertValue(v, a, b, fx))).toBe(true);
      }),
    );
  });

  it('converting there and back stays within the rounding of each step', () => {
    // Rounding w = round(v·f) errs by ≤ 0.5; converting w back multiplies that
    // error by 1/f and rounds again (≤ 0.5 more): |back − v| ≤ 0.5/f + 0.5.
    fc.assert(
      fc.property(unit, unit, fc.integer({ min: 1, max: 10_000_000 }), (a, b, v) => {
        const there = convertValue(v, a, b, fx);
        const back = convertValue(there, b, a, fx);
        const f = conversionFactor(a, b, fx);
        expect(Math.abs(back - v)).toBeLessThanOrEqual(0.5 / f + 0.5 + 1e-9);
      }),
    );
  });

  it('converts a range end by end, so each end matches a single conversion', () => {
    fc.assert(
      fc.property(unit, unit, fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (a, b, x, y) => {
        const [min, max] = x < y ? [x, y] : [y, x + 1];
        const range = convertAmount({ kind: 'range', min, max }, a, b, fx);
        expect(range).toEqual({ kind: 'range', min: convertValue(min, a, b, fx), max: convertValue(max, a, b, fx) });
        if (range.kind === 'range') expect(range.min).toBeLessThanOrEqual(range.max);
      }),
    );
  });
});

describe('shown amounts', () => {
  it('shows a figure as published by default, unmarked', () => {
    const shown = showFigure(figure({}), { currency: 'native', period: 'native' }, fx);
    expect(shown).toMatchObject({ text: '4,500–7,000 RON/month', converted: false, original: null });
  });

  it('marks a converted figure and keeps the published one beside it', () => {
    const shown = showFigure(figure({ measure: 'point', min: null, max: null, value: 6000 }), { currency: 'EUR', period: 'native' }, fx);
    expect(shown).toMatchObject({ text: '≈ €1,179/month', converted: true, original: '6,000 RON/month' });
  });

  it('counts a change of period alone as a conversion', () => {
    const shown = showFigure(
      figure({ country: 'US', city: null, currency: 'USD', period: 'annual', min: 45000, max: 75000 }),
      { currency: 'native', period: 'monthly' },
      fx,
    );
    expect(shown).toMatchObject({ text: '≈ $3,750–$6,250/month', converted: true, original: '$45,000–$75,000/year' });
  });

  it('leaves a figure already in the chosen unit unconverted', () => {
    const shown = showFigure(figure({}), { currency: 'RON', period: 'monthly' }, fx);
    expect(shown.converted).toBe(false);
    expect(shown.text).toBe('4,500–7,000 RON/month');
  });
});

describe('formatting', () => {
  it('names a trailing currency code once in a range', () => {
    expect(formatAmount({ kind: 'range', min: 4500, max: 7000 }, u('RON', 'monthly'))).toBe('4,500–7,000 RON/month');
    expect(formatAmount({ kind: 'range', min: 45000, max: 75000 }, u('USD', 'annual'))).toBe('$45,000–$75,000/year');
    expect(formatAmount({ kind: 'point', value: 1179 }, u('EUR', 'monthly'))).toBe('€1,179/month');
  });

  it('states the rate date and rates in words', () => {
    expect(formatDayInWords('2026-01-08')).toBe('8 January 2026');
    expect(describeRates(fx)).toEqual({ date: '8 January 2026', eur: '1 EUR = 5.0871 RON', usd: '1 USD = 4.3558 RON' });
  });
});
