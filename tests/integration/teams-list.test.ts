// The admin's teams list against a real database: 180 teams with names that
// differ only in case and share prefixes (the cases a keyset on the name gets
// wrong), paged 50 at a time. Every team appears exactly once across pages,
// also while teams are created between pages; the search is a name prefix in
// any case; the page is for admins only; the order is read from the unique
// index on lower(name).
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { encodeCursor, PAGE_SIZE } from '#domain/paging.ts';
import { adminPage } from '#server/people/index.ts';
import { teams } from '#server/db/schema.ts';
import { demoDatabaseForFile, demoPersonas, seedOtherOrganisation } from '../support/db.ts';

const t = demoDatabaseForFile('teams-list');
let p: Awaited<ReturnType<typeof demoPersonas>>;
const now = new Date('2026-11-20T09:00:00Z');
let added = 0;
const addTeam = (name: string, orgId = p.admin.orgId) => t.db.insert(teams).values({ orgId, name, createdAt: now, updatedAt: now });

beforeAll(async () => {
  p = await demoPersonas(t.db);
  for (let i = 0; i < 180; i++) await addTeam(`${i % 2 ? 'Night' : 'night'} shift ${String(i).padStart(3, '0')}`);
  const other = await seedOtherOrganisation(t.db, { now, passwordHash: 'x' });
  await addTeam('Night shift elsewhere', other.orgId);
});

const allTeams = async () =>
  (await t.db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.orgId, p.admin.orgId))).sort((a, b) =>
    a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : a.id - b.id,
  );

/** Follows the next links from the first page; returns the ids in order. */
async function everyPage(query: Record<string, string>, between?: () => Promise<void>) {
  const ids: number[] = [];
  const params = new URLSearchParams(query);
  for (let pages = 0; pages < 100; pages++) {
    const page = await adminPage(t.db, p.admin, params);
    if (!page.ok) throw new Error('refused');
    expect(page.value.teams.length).toBeLessThanOrEqual(PAGE_SIZE);
    ids.push(...page.value.teams.map((team) => team.id));
    const next = page.value.paging.next;
    if (!next) return ids;
    params.set('after', encodeCursor(next));
    await between?.();
  }
  throw new Error('more than 100 pages');
}

describe('the teams list', () => {
  it('is for admins only', async () => {
    for (const actor of [p.manager, p.member]) expect(await adminPage(t.db, actor)).toMatchObject({ ok: false, status: 403 });
  });

  it('shows every team of the organisation exactly once across pages, by name in any case, and none of another', async () => {
    const expected = (await allTeams()).map((team) => team.id);
    expect(expected.length).toBeGreaterThan(3 * PAGE_SIZE);
    expect(await everyPage({})).toEqual(expected);
  });

  it('keeps every team exactly once while teams are created between pages', async () => {
    const before = (await allTeams()).map((team) => team.id);
    // Names that sort first: on a page the reader has passed.
    const ids = await everyPage({}, async () => {
      await addTeam(`Aaa added ${added++}`);
    });
    expect(added).toBeGreaterThan(2);
    expect(ids).toEqual(before);
  });

  it('finds teams by the start of their name in any case, paged, and pages back to the same rows', async () => {
    const expected = (await allTeams()).filter((team) => team.name.toLowerCase().startsWith('night shift 1')).map((team) => team.id);
    expect(expected.length).toBeGreaterThan(PAGE_SIZE);
    expect(await everyPage({ q: 'NIGHT shift 1' })).toEqual(expected);
    const first = await adminPage(t.db, p.admin, new URLSearchParams({ q: 'night shift 1' }));
    if (!first.ok || !first.value.paging.next) throw new Error('no second page');
    const second = await adminPage(
      t.db,
      p.admin,
      new URLSearchParams({ q: 'night shift 1', after: encodeCursor(first.value.paging.next) }),
    );
    if (!second.ok || !second.value.paging.previous) throw new Error('no way back');
    const back = await adminPage(
      t.db,
      p.admin,
      new URLSearchParams({ q: 'night shift 1', before: encodeCursor(second.value.paging.previous) }),
    );
    expect(back.ok && back.value.teams.map((team) => team.id)).toEqual(first.value.teams.map((team) => team.id));
    expect(back.ok && back.value.paging.previous).toBeNull();
    const none = await adminPage(t.db, p.admin, new URLSearchParams({ q: 'zzz%' }));
    expect(none.ok && none.value.teams).toEqual([]);
  });

  it('reads the range and the order from the unique index on lower(name), without sorting', async () => {
    const detail = (
      await t.client.execute(
        `explain query plan select id from teams where org_id = 1 and lower(name) >= lower('ni') and lower(name) < lower('ni' || char(1114111)) order by lower(name), id limit 51`,
      )
    ).rows
      .map((r) => String(r.detail))
      .join(' | ');
    expect(detail).toContain('teams_org_name_unique');
    expect(detail).not.toMatch(/TEMP B-TREE/);
  });
});
