import { describe, expect, it } from 'vitest';
import { readInSlices } from '#server/db/chunks.ts';

describe('readInSlices', () => {
  it('reads nothing for no ids, one call for a short list, and slices in order for a long one', async () => {
    const calls: number[][] = [];
    const read = async (slice: number[]) => {
      calls.push(slice);
      return slice.map((id) => id * 2);
    };
    expect(await readInSlices([], read, 3)).toEqual([]);
    expect(calls).toEqual([]);
    expect(await readInSlices([1, 2, 3], read, 3)).toEqual([2, 4, 6]);
    expect(calls).toEqual([[1, 2, 3]]);
    calls.length = 0;
    expect(await readInSlices([1, 2, 3, 4, 5, 6, 7], read, 3)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(calls).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });
});
