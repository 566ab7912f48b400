// The person picker's rules (decision 043): what the search field holds, what
// a query one row past the limit becomes, the chosen person always offered,
// and the status line in words; what a form sent with its Find comes back as.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PICKER_LIMIT, matchesPickerSearch, pickedFrom, pickerSearch, pickerStatus } from '#domain/people-search.ts';
import { carriedForm } from '#domain/fields.ts';

const people = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

describe('person picker rules', () => {
  it('keeps the search as typed, trimmed and at most 100 characters; blank is none', () => {
    expect(pickerSearch('  Ada L ')).toBe('Ada L');
    expect(pickerSearch('   ')).toBeNull();
    expect(pickerSearch(null)).toBeNull();
    expect(pickerSearch(undefined)).toBeNull();
    expect(pickerSearch('x'.repeat(150))).toHaveLength(100);
  });

  it('offers at most the limit, says when there are more, and always offers the chosen person', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 30 }),
        fc.option(fc.integer({ min: 1, max: 80 })),
        (n, limit, chosenId) => {
          const rows = people(Math.min(n, limit + 1));
          const chosen = chosenId === null ? null : { id: chosenId };
          const picked = pickedFrom('q', rows, limit, chosen);
          expect(picked.matched).toBe(Math.min(rows.length, limit));
          expect(picked.more).toBe(rows.length > limit);
          if (chosen) expect(picked.people.filter((p) => p.id === chosen.id)).toHaveLength(1);
          const extra = chosen && !rows.slice(0, limit).some((p) => p.id === chosen.id) ? 1 : 0;
          expect(picked.people).toHaveLength(picked.matched + extra);
        },
      ),
    );
    // The chosen person outside the matches comes first; inside them, the order stays by name.
    expect(pickedFrom(null, people(3), 25, { id: 9 }).people.map((p) => p.id)).toEqual([9, 1, 2, 3]);
    expect(pickedFrom(null, people(3), 25, { id: 2 }).people.map((p) => p.id)).toEqual([1, 2, 3]);
  });

  it('says in words how much of the list it shows', () => {
    expect(pickerStatus({ q: null, matched: PICKER_LIMIT, more: true })).toBe('The first 25 by name; search to narrow the list.');
    expect(pickerStatus({ q: 'ad', matched: 25, more: true })).toBe(
      'The first 25 whose name or email starts with “ad”; search to narrow the list.',
    );
    expect(pickerStatus({ q: 'ad', matched: 12, more: false })).toBe('12 people whose name or email starts with “ad”.');
    expect(pickerStatus({ q: null, matched: 1, more: false })).toBe('1 person.');
    expect(pickerStatus({ q: 'zz', matched: 0, more: false })).toBe('No one whose name or email starts with “zz”.');
    expect(pickerStatus({ q: null, matched: 0, more: false })).toBe('No one to choose from yet.');
  });

  it('matches a name or email prefix, ASCII case aside, as the index ranges do', () => {
    const ada = { displayName: 'Ada Lovelace', email: 'countess@example.com' };
    expect(matchesPickerSearch(ada, null)).toBe(true);
    expect(matchesPickerSearch(ada, 'ADA l')).toBe(true);
    expect(matchesPickerSearch(ada, 'Count')).toBe(true);
    expect(matchesPickerSearch(ada, 'love')).toBe(false);
  });
});

describe('a form carried through its Find', () => {
  it("gives the address's fields back to the form whose intent they carry, never a password", () => {
    const params = new URLSearchParams('intent=start&hire=ad&templateRole=operations-manager&startDate=2027-01-04&password=x&q=team');
    expect(carriedForm(params, 'start')).toEqual({
      intent: 'start',
      hire: 'ad',
      templateRole: 'operations-manager',
      startDate: '2027-01-04',
      q: 'team',
    });
    expect(carriedForm(params, 'create-team')).toBeNull();
    expect(carriedForm(new URLSearchParams('hire=ad'), 'start')).toBeNull();
  });
});
