// Keyset paging of the organisation-wide lists on a real database: every
// person exactly once across pages while people are added and deactivated
// between page reads, the same rows backwards as forwards, the name-prefix
// search and filters, and a plan that walks the index rather than the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { teamMemberships, users } from '#server/db/schema.ts';
import { pageOfPeople, type PeopleSearch } from '#server/search/queries.ts';
import type { PageRequest } from '#domain/paging.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { exportSkillMatrix, skillMatrixPage } from '#server/skills/index.ts';
import { adminPlansPage, findStartablePeople } from '#server/ramp/overview.ts';
import { complianceMatrixView } from '#server/certifications/index.ts';
import type { IsoDate } from '#domain/calendar.ts';
import { encodeCursor } from '#domain/paging.ts';
import { createTestDatabase, demoPersonas, seedDemo, seedOtherOrganisation, type TestDatabase } from '../support/db.ts';
import type { Actor } from '#domain/access.ts';

let t: TestDatabase;
let orgId: number;
let admin: Actor;
let added = 0;
const everyone: PeopleSearch = { q: null, jobRole: null, tier: null, teamId: null, excludeId: null };

// Repeated names and mixed case on purpose: only the id tiebreak keeps their order total.
const NAMES = ['Ada Byrne', 'ada byrne', 'Ada Byrne', 'Bea Cole', 'bea cole', 'Cem Demir', 'Dora Ek', 'Zed Young', 'Émile Roux'];

async function addPerson(name: string, active = true) {
  added += 1;
  const [row] = await t.db
    .insert(users)
    .values({
      orgId,
      email: `p${added}@paging.test`,
      displayName: name,
      passwordHash: 'x',
      role: 'member',
      active,
      jobRole: 'operations-assistant',
      tier: 'junior',
    })
    .returning({ id: users.id });
  return row!.id;
}

async function activeIds(): Promise<number[]> {
  const rows = await t.db.all<{ id: number }>(sql`select id from users where org_id = ${orgId} and active = 1`);
  return rows.map((r) => Number(r.id));
}

async function walk(search: PeopleSearch, limit: number, between?: (pageNo: number) => Promise<void>) {
  const seen: number[] = [];
  let request: PageRequest = { cursor: null, direction: 'after', limit };
  for (let pageNo = 0; pageNo < 1000; pageNo++) {
    const page = await pageOfPeople(t.db, orgId, search, request);
    seen.push(...page.items.map((p) => p.id));
    if (!page.next) break;
    await between?.(pageNo);
    request = { cursor: page.next, direction: 'after', limit };
  }
  return seen;
}

beforeAll(async () => {
  t = await createTestDatabase('org-paging');
  await seedDemo(t.db);
  const personas = await demoPersonas(t.db);
  admin = personas.admin;
  orgId = admin.orgId;
  await seedOtherOrganisation(t.db, { now: new Date('2026-11-22T09:00:00Z'), passwordHash: 'x' });
  for (let i = 0; i < 60; i++) await addPerson(`${NAMES[i % NAMES.length]!}`);
});
afterAll(() => t.cleanup());

describe('paging the organisation', () => {
  it('returns every active person of the organisation exactly once, in a stable order', async () => {
    const seen = await walk(everyone, 7);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual((await activeIds()).sort((a, b) => a - b));
  });

  it('returns each person present throughout exactly once while people are added and deactivated between pages', async () => {
    const before = new Set(await activeIds());
    const ours = new Set(
      (await t.db.all<{ id: number }>(sql`select id from users where email like '%@paging.test'`)).map((r) => Number(r.id)),
    );
    const deactivated = new Set<number>();
    const newcomers: number[] = [];
    const seen = await walk(everyone, 5, async (pageNo) => {
      // Names at the start, the middle and the end of the order, and a deactivation ahead of the cursor.
      for (const name of ['Aaron Abbott', 'Cem Demir', 'Zoe Zimmer']) newcomers.push(await addPerson(`${name}`));
      const ahead = [...before].filter((id) => ours.has(id) && !deactivated.has(id)).at(-1 - pageNo);
      if (ahead !== undefined && pageNo % 3 === 0) {
        await t.db.run(sql`update users set active = 0 where id = ${ahead}`);
        deactivated.add(ahead);
      }
    });
    expect(new Set(seen).size).toBe(seen.length);
    const seenSet = new Set(seen);
    // Deactivated ones may or may not have been shown before their change; everyone else present throughout must have been.
    for (const id of before) if (!deactivated.has(id)) expect(seenSet.has(id), `person ${id}`).toBe(true);
    for (const id of seen) expect(before.has(id) || newcomers.includes(id)).toBe(true);
    expect(newcomers.length).toBeGreaterThan(0);
  });

  it('reads the same rows backwards as forwards', async () => {
    const forward = await walk(everyone, 6);
    // Walk to the end, then back to the top with "before" cursors.
    let page = await pageOfPeople(t.db, orgId, everyone, { cursor: null, direction: 'after', limit: 6 });
    while (page.next) page = await pageOfPeople(t.db, orgId, everyone, { cursor: page.next, direction: 'after', limit: 6 });
    const backward: number[][] = [page.items.map((p) => p.id)];
    while (page.previous) {
      page = await pageOfPeople(t.db, orgId, everyone, { cursor: page.previous, direction: 'before', limit: 6 });
      backward.unshift(page.items.map((p) => p.id));
    }
    expect(backward.flat()).toEqual(forward);
  });

  it('searches by a name prefix regardless of ASCII case, with the filters, inside one organisation', async () => {
    const found = await walk({ ...everyone, q: 'ADA b' }, 4);
    const names = await t.db.all<{ id: number; name: string; org: number }>(
      sql`select id, display_name as name, org_id as org from users where active = 1 and lower(display_name) like 'ada b%'`,
    );
    expect(found.sort()).toEqual(
      names
        .filter((n) => Number(n.org) === orgId)
        .map((n) => Number(n.id))
        .sort(),
    );
    expect(found.length).toBeGreaterThan(3);
    const emile = await t.db.all<{ id: number }>(
      sql`select id from users where org_id = ${orgId} and active = 1 and display_name like 'Émile%'`,
    );
    expect((await walk({ ...everyone, q: 'Émile' }, 4)).sort()).toEqual(emile.map((r) => Number(r.id)).sort());
    expect(emile.length).toBeGreaterThan(0);
    expect(await walk({ ...everyone, q: 'nobody by this name' }, 4)).toEqual([]);
    const juniors = await walk({ ...everyone, jobRole: 'operations-assistant', tier: 'junior' }, 9);
    const want = await t.db.all<{ id: number }>(
      sql`select id from users where org_id = ${orgId} and active = 1 and job_role = 'operations-assistant' and tier = 'junior'`,
    );
    expect(juniors.sort()).toEqual(want.map((r) => Number(r.id)).sort());
  });

  it('walks users_org_name_idx in order instead of sorting the table', async () => {
    const plan = await t.db.all<{ detail: string }>(sql`
      explain query plan select id from users
      where org_id = ${orgId} and active = 1 and display_name collate nocase >= 'a' and display_name collate nocase < 'b'
        and (display_name collate nocase, id) > ('a', 0)
      order by display_name collate nocase, id limit 51`);
    const details = plan.map((p) => p.detail).join(' | ');
    expect(details).toContain('users_org_name_idx');
    expect(details).not.toContain('TEMP B-TREE');
  });
});

describe("the admin's whole-organisation skills matrix", () => {
  const catalogs = loadCatalogsFromDisk();

  it('shows one page of people with a next link, and the next page continues after it', async () => {
    const first = await skillMatrixPage(t.db, admin, new URLSearchParams(), catalogs);
    if (!first.ok) throw new Error(`status ${first.status}`);
    expect(first.value.view.rows.length).toBe(50);
    expect(first.value.paging?.next).not.toBeNull();
    expect(first.value.view.rows.some((r) => r.person.id === admin.id)).toBe(false);
    const second = await skillMatrixPage(t.db, admin, new URLSearchParams({ after: encodeCursor(first.value.paging!.next!) }), catalogs);
    if (!second.ok) throw new Error(`status ${second.status}`);
    const firstIds = new Set(first.value.view.rows.map((r) => r.person.id));
    expect(second.value.view.rows.length).toBeGreaterThan(0);
    expect(second.value.view.rows.every((r) => !firstIds.has(r.person.id))).toBe(true);
  });

  it("keeps a manager's matrix to their teams, unpaged", async () => {
    const { manager } = await demoPersonas(t.db);
    const page = await skillMatrixPage(t.db, manager, new URLSearchParams({ q: 'Ada' }), catalogs);
    if (!page.ok) throw new Error(`status ${page.status}`);
    expect(page.value.paging).toBeNull();
    expect(page.value.view.rows.every((r) => !r.person.name.startsWith('Ada'))).toBe(true);
  });
});

describe('the exports follow the search of the page they come from', () => {
  const catalogs = loadCatalogsFromDisk();
  const today = '2026-11-22' as IsoDate;
  /** Every person id the paged page shows for `q`, across all its pages. */
  async function pagedSkills(q: string) {
    const ids: number[] = [];
    let params = new URLSearchParams({ q });
    for (let i = 0; i < 100; i++) {
      const page = await skillMatrixPage(t.db, admin, params, catalogs);
      if (!page.ok) throw new Error(`status ${page.status}`);
      ids.push(...page.value.view.rows.map((r) => r.person.id));
      if (!page.value.paging?.next) return { ids, exportHref: page.value.exportHref };
      params = new URLSearchParams({ q, after: encodeCursor(page.value.paging.next) });
    }
    throw new Error('more than 100 pages');
  }

  it('skills: the file holds the people of every page of the search who have a column, and no one else', async () => {
    // The organisation's separator follows the header's first column name.
    const csvRows = (body: Uint8Array) => {
      const lines = new TextDecoder()
        .decode(body)
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      const separator = lines[0]!.charAt('name'.length);
      return lines.slice(1).map((l) => l.split(separator));
    };
    const whole = await exportSkillMatrix(t.db, admin, new URLSearchParams(), catalogs, today);
    if (!whole.ok) throw new Error(`status ${whole.status}`);
    // A demo person (rated, so they have columns): search by the start of their name, in other case.
    const demo = csvRows(whole.value.body).find((r) => !r[1]!.endsWith('@paging.test'))!;
    const q = demo[0]!.slice(0, 3).toUpperCase();
    const { ids, exportHref } = await pagedSkills(q);
    const href = new URL(exportHref, 'https://x.test');
    expect(href.searchParams.get('q')).toBe(q);
    const file = await exportSkillMatrix(t.db, admin, href.searchParams, catalogs, today);
    if (!file.ok) throw new Error(`status ${file.status}`);
    const emails = new Set(csvRows(file.value.body).map((r) => r[1]));
    const expected = new Set(
      csvRows(whole.value.body)
        .filter((r) => r[0]!.toLowerCase().startsWith(q.toLowerCase()))
        .map((r) => r[1]),
    );
    expect(emails.has(demo[1])).toBe(true);
    expect([...emails].sort()).toEqual([...expected].sort());
    const rows = await t.db.all<{ id: number; email: string }>(sql`select id, email from users where org_id = ${orgId}`);
    const paged = new Set(ids.map((id) => rows.find((r) => Number(r.id) === id)!.email));
    expect([...emails].every((e) => paged.has(e!))).toBe(true);
    expect(whole.value.body.length).toBeGreaterThan(file.value.body.length);
  });

  it('certifications: the export with q holds exactly the people the paged search shows', async () => {
    const seen: number[] = [];
    let params = new URLSearchParams({ q: 'bea' });
    for (let i = 0; i < 100; i++) {
      const view = await complianceMatrixView(t.db, admin, params, catalogs.certifications, today, { paged: true });
      if (!view.ok) throw new Error(`status ${view.status}`);
      seen.push(...view.value.rows.map((r) => r.person.id));
      if (!view.value.paging?.next) break;
      params = new URLSearchParams({ q: 'bea', after: encodeCursor(view.value.paging.next) });
    }
    const exported = await complianceMatrixView(t.db, admin, new URLSearchParams({ q: 'bea' }), catalogs.certifications, today);
    if (!exported.ok) throw new Error(`status ${exported.status}`);
    expect(exported.value.rows.map((r) => r.person.id).sort()).toEqual([...seen].sort());
    const whole = await complianceMatrixView(t.db, admin, new URLSearchParams(), catalogs.certifications, today);
    expect(whole.ok && whole.value.rows.length).toBeGreaterThan(exported.value.rows.length);
  });
});

describe("the admin's whole-organisation compliance matrix", () => {
  const content = loadCatalogsFromDisk().certifications;
  const today = '2026-11-22' as IsoDate;

  it('pages the members of any team, and the export (unpaged) still has everyone', async () => {
    const { teamWarehouse } = await demoPersonas(t.db);
    // Team members the paged view must list: put some of ours in a team.
    const ours = await t.db.all<{ id: number }>(sql`select id from users where email like '%@paging.test' and active = 1 limit 55`);
    await t.db
      .insert(teamMemberships)
      .values(ours.map((r) => ({ teamId: teamWarehouse, userId: Number(r.id) })))
      .onConflictDoNothing();
    const seen: number[] = [];
    let params = new URLSearchParams();
    for (let i = 0; i < 100; i++) {
      const view = await complianceMatrixView(t.db, admin, params, content, today, { paged: true });
      if (!view.ok) throw new Error(`status ${view.status}`);
      expect(view.value.rows.length).toBeLessThanOrEqual(50);
      seen.push(...view.value.rows.map((r) => r.person.id));
      if (!view.value.paging?.next) break;
      params = new URLSearchParams({ after: encodeCursor(view.value.paging.next) });
    }
    const whole = await complianceMatrixView(t.db, admin, new URLSearchParams(), content, today);
    if (!whole.ok) throw new Error(`status ${whole.status}`);
    expect(whole.value.paging).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(whole.value.rows.map((r) => r.person.id).sort());
    expect(seen.length).toBeGreaterThan(50);
  });
});

describe("the admin's plans and the start-a-plan picker", () => {
  it('pages the active plans by name, each once, and the picker finds by prefix only people without an active plan', async () => {
    const { manager } = await demoPersonas(t.db);
    const seen: number[] = [];
    let request: PageRequest = { cursor: null, direction: 'after', limit: 2 };
    for (let i = 0; i < 100; i++) {
      const page = (await adminPlansPage(t.db, admin, 'active', null, request))!;
      seen.push(...page.items.map((r) => r.plan.id));
      if (!page.next) break;
      request = { cursor: page.next, direction: 'after', limit: 2 };
    }
    const active = await t.db.all<{ id: number }>(
      sql`select id from ramp_plans where org_id = ${orgId} and status = 'active' and user_id <> ${admin.id}`,
    );
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(active.map((r) => Number(r.id)).sort());
    expect(await adminPlansPage(t.db, manager, 'active', null, request)).toBeNull();

    const found = await findStartablePeople(t.db, admin, 'ada', 5);
    expect(found.people).toHaveLength(5);
    expect(found.more).toBe(true);
    expect(found.people.every((p) => p.displayName.toLowerCase().startsWith('ada'))).toBe(true);
    const withPlan = new Set(
      (await t.db.all<{ u: number }>(sql`select user_id as u from ramp_plans where status = 'active'`)).map((r) => Number(r.u)),
    );
    const everyoneStartable = await findStartablePeople(t.db, admin, null, 10_000);
    expect(everyoneStartable.people.some((p) => withPlan.has(p.id) || p.id === admin.id)).toBe(false);
    // A manager finds only members of the teams they manage (some of the people added above were put in one).
    const managerFound = await findStartablePeople(t.db, manager, 'Ada', 100);
    const theirs = new Set(
      (
        await t.db.all<{ u: number }>(
          sql`select m.user_id as u from team_memberships m join teams on teams.id = m.team_id where teams.manager_user_id = ${manager.id}`,
        )
      ).map((r) => Number(r.u)),
    );
    expect(managerFound.people.length).toBeGreaterThan(0);
    expect(managerFound.people.every((p) => theirs.has(p.id) && p.displayName.toLowerCase().startsWith('ada'))).toBe(true);
    expect(everyoneStartable.people.length).toBeGreaterThan(managerFound.people.length);
  });
});
