import { describe, expect, it } from 'vitest';
import { seededRandom } from '#domain/random.ts';

describe('seededRandom', () => {
  it('repeats for the same seed, differs across seeds, and stays in [0, 1)', () => {
    const take = (seed: string | number) => {
      const next = seededRandom(seed);
      return Array.from({ length: 200 }, () => next());
    };
    expect(take('demo')).toEqual(take('demo'));
    expect(take(42)).toEqual(take(42));
    expect(take('demo')).not.toEqual(take('demo2'));
    expect(take(42)).not.toEqual(take('42'));
    for (const x of [...take('demo'), ...take(7)]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
