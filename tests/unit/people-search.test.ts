import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCursor, encodeCursor, foldAscii, parsePeopleQuery, peopleQueryString, prefixUpperBound } from '#domain/people-search.ts';

const utf8Less = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;

describe('people search rules', () => {
  it('the upper bound is above every string with the prefix and below the next prefix', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 6, unit: 'grapheme' }), fc.string({ maxLength: 6 }), (prefix, tail) => {
        const upper = prefixUpperBound(prefix);
        if (upper === null) return;
        expect(utf8Less(prefix + tail, upper) || (prefix + tail).startsWith(upper)).toBe(true);
        expect(utf8Less(prefix, upper)).toBe(true);
      }),
    );
    expect(prefixUpperBound('ma')).toBe('mb');
    expect(prefixUpperBound('')).toBeNull();
  });

  it('folds ASCII letters only, as SQLite lower() does', () => {
    expect(foldAscii('MARIA Ștefan')).toBe('maria Ștefan');
  });

  it('round-trips cursors and treats a bad one as the first page', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.integer({ min: 1, max: 2 ** 40 }), (name, id) => {
        expect(decodeCursor(encodeCursor({ name, id }))).toEqual({ name, id });
      }),
    );
    for (const bad of ['', 'x', '%%%', encodeCursor({ name: 'a', id: 1 }).slice(0, 3), btoa('[1,"a"]')])
      expect(decodeCursor(bad)).toBeNull();
  });

  it('keeps every filter in the URL of the next page', () => {
    const query = parsePeopleQuery(new URLSearchParams('q=Ma&team=3&role=member&status=invited&jobRole=operations-manager&tier=senior'));
    const next = parsePeopleQuery(new URLSearchParams(peopleQueryString(query, { name: 'mara', id: 9 }).slice(1)));
    expect(next).toEqual({ ...query, after: { name: 'mara', id: 9 } });
  });
});
