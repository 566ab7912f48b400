import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareCursors,
  decodeCursor,
  encodeCursor,
  pageFromRows,
  pageOfRows,
  pageHref,
  parseListQuery,
  prefixUpperBound,
  type Cursor,
  type PageRequest,
} from '#domain/paging.ts';

describe('keyset cursors', () => {
  it('round-trip any key and id through a URL-safe token', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (key, id) => {
        const token = encodeCursor({ key, id });
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(token)).toEqual({ key, id });
      }),
    );
  });

  it('read a tampered, truncated or foreign token as no cursor', () => {
    const good = encodeCursor({ key: 'Ada', id: 7 });
    for (const bad of [
      '',
      null,
      undefined,
      'not a token!',
      good.slice(0, 5),
      Buffer.from('{"key":"Ada"}').toString('base64url'),
      Buffer.from('["Ada",0]').toString('base64url'),
      Buffer.from('["Ada",1.5]').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      'A'.repeat(500),
    ]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });

  it('order by key as NOCASE does, then by id, so equal names still have one order', () => {
    const cursors: Cursor[] = [
      { key: 'bob', id: 3 },
      { key: 'Ada', id: 9 },
      { key: 'ada', id: 2 },
      { key: 'Bob', id: 1 },
    ];
    expect([...cursors].sort(compareCursors)).toEqual([
      { key: 'ada', id: 2 },
      { key: 'Ada', id: 9 },
      { key: 'Bob', id: 1 },
      { key: 'bob', id: 3 },
    ]);
  });

  // SQLite compares UTF-8 bytes, where U+10FFFF is the largest character; in JS (UTF-16 units) that holds below U+D800, so ASCII here.
  it('bound a prefix range above every string that starts with it', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }),
        fc.string({ unit: 'grapheme-ascii', maxLength: 10 }),
        (prefix, rest) => {
          expect(prefix + rest < prefixUpperBound(prefix)).toBe(true);
        },
      ),
    );
  });
});

describe('pages from rows', () => {
  const rows = (ids: number[]) => ids.map((id) => ({ key: `p${String(id).padStart(3, '0')}`, id }));
  const keyOf = (r: Cursor) => r;

  it('a first page with more rows has a next cursor and no previous one', () => {
    const request: PageRequest = { cursor: null, direction: 'after', limit: 3 };
    const page = pageFromRows(rows([1, 2, 3, 4]), request, keyOf);
    expect(page.items.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(page.next).toEqual({ key: 'p003', id: 3 });
    expect(page.previous).toBeNull();
  });

  it('the last page has a previous cursor and no next one', () => {
    const request: PageRequest = { cursor: { key: 'p003', id: 3 }, direction: 'after', limit: 3 };
    const page = pageFromRows(rows([4, 5]), request, keyOf);
    expect(page.items.map((r) => r.id)).toEqual([4, 5]);
    expect(page.next).toBeNull();
    expect(page.previous).toEqual({ key: 'p004', id: 4 });
  });

  it('a page read backwards comes out in list order', () => {
    const request: PageRequest = { cursor: { key: 'p007', id: 7 }, direction: 'before', limit: 3 };
    const page = pageFromRows(rows([6, 5, 4, 3]), request, keyOf);
    expect(page.items.map((r) => r.id)).toEqual([4, 5, 6]);
    expect(page.previous).toEqual({ key: 'p004', id: 4 });
    expect(page.next).toEqual({ key: 'p006', id: 6 });
  });

  it('reading backwards to the top leaves no previous page', () => {
    const request: PageRequest = { cursor: { key: 'p003', id: 3 }, direction: 'before', limit: 3 };
    const page = pageFromRows(rows([2, 1]), request, keyOf);
    expect(page.items.map((r) => r.id)).toEqual([1, 2]);
    expect(page.previous).toBeNull();
  });
});

describe('the list query string', () => {
  it('keeps the filters, replaces the cursor and starts a search at the top', () => {
    const params = new URLSearchParams({ q: '  Ad ', role: 'site-reliability', after: encodeCursor({ key: 'x', id: 1 }) });
    const query = parseListQuery(params, 50);
    expect(query.q).toBe('Ad');
    expect(query.page).toEqual({ cursor: { key: 'x', id: 1 }, direction: 'after', limit: 50 });
    const href = pageHref('/app/skills/', params, 'before', { key: 'y', id: 2 });
    const url = new URL(href, 'http://x');
    expect(url.searchParams.get('role')).toBe('site-reliability');
    expect(url.searchParams.has('after')).toBe(false);
    expect(decodeCursor(url.searchParams.get('before'))).toEqual({ key: 'y', id: 2 });
  });

  it('an empty or overlong search is no search, or a bounded one', () => {
    expect(parseListQuery(new URLSearchParams({ q: '   ' })).q).toBeNull();
    expect(parseListQuery(new URLSearchParams({ q: 'a'.repeat(300) })).q).toHaveLength(100);
    expect(parseListQuery(new URLSearchParams({ after: 'garbage!' })).page.cursor).toBeNull();
  });
});

describe('pages of a list held in memory', () => {
  const keyOf = (n: number): Cursor => ({ key: `k${String(n % 7)}`, id: n });
  it('walk forward and back through every row once, in cursor order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (ids, limit) => {
        const expected = [...ids].sort((a, b) => compareCursors(keyOf(a), keyOf(b)));
        const seen: number[] = [];
        const pages: number[][] = [];
        let request: PageRequest = { cursor: null, direction: 'after', limit };
        for (;;) {
          const page = pageOfRows(ids, request, keyOf);
          seen.push(...page.items);
          pages.push(page.items);
          if (!page.next) break;
          request = { cursor: page.next, direction: 'after', limit };
        }
        expect(seen).toEqual(expected);
        // From the last page, "previous" leads back through the same pages.
        let back = pages.length - 1;
        let page = pageOfRows(ids, { cursor: null, direction: 'after', limit }, keyOf);
        for (let i = 0; i < back; i++) page = pageOfRows(ids, { cursor: page.next, direction: 'after', limit }, keyOf);
        while (page.previous) {
          page = pageOfRows(ids, { cursor: page.previous, direction: 'before', limit }, keyOf);
          back -= 1;
          expect(page.items).toEqual(pages[back]);
        }
        expect(back).toBe(0);
      }),
    );
  });
});
