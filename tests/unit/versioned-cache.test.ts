import { describe, expect, it } from 'vitest';
import { VersionedCache } from '#server/data-version.ts';

describe('VersionedCache', () => {
  it('serves an entry only at the version it was stored at, and drops it once the version moves', () => {
    const cache = new VersionedCache<string>(10, 1000);
    cache.set('k', 3, 'at 3', 10);
    expect(cache.get('k', 3)).toBe('at 3');
    expect(cache.get('k', 4)).toBeUndefined();
    // Gone, not kept for an older version to come back.
    expect(cache.get('k', 3)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never caches at version 0 (an organisation without a counter)', () => {
    const cache = new VersionedCache<string>(10, 1000);
    cache.set('k', 0, 'x', 1);
    expect(cache.get('k', 0)).toBeUndefined();
    expect(cache.count).toBe(0);
  });

  it('evicts the least recently used beyond its entry count and its size', () => {
    const cache = new VersionedCache<string>(2, 100);
    cache.set('a', 1, 'A', 10);
    cache.set('b', 1, 'B', 10);
    expect(cache.get('a', 1)).toBe('A'); // a is now the most recent
    cache.set('c', 1, 'C', 10);
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toBe('A');
    cache.set('big', 1, 'BIG', 95);
    expect(cache.count).toBe(1);
    expect(cache.size).toBe(95);
    cache.set('huge', 1, 'HUGE', 101);
    expect(cache.get('huge', 1)).toBeUndefined();
    expect(cache.get('big', 1)).toBe('BIG');
  });

  it('replaces an entry stored again under the same key, keeping the size right', () => {
    const cache = new VersionedCache<string>(5, 100);
    cache.set('k', 1, 'old', 40);
    cache.set('k', 2, 'new', 30);
    expect(cache.get('k', 2)).toBe('new');
    expect(cache.size).toBe(30);
  });
});
