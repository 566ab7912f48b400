// The organisation data version (migration 0008's triggers) moves with every
// change a skills export shows, through any code path, and stands still for
// changes it does not show; the export cache relies on exactly that.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';
import { orgDataVersion } from '#server/data-version.ts';

let database: TestDatabase;
let org: number;
let otherOrg: number;
let person: number;
let team: number;

const exec = (sql: string, args: (string | number | null)[] = []) => database.client.execute({ sql, args });
const one = async (sql: string, args: (string | number)[] = []) => Number((await exec(sql, args)).rows[0]![0]);

beforeAll(async () => {
  database = await createTestDatabase('data-version');
  await seedDemo(database.db);
  org = await one('select id from organisations order by id limit 1');
  await exec(`insert into organisations (name, settings, created_at) values ('Elsewhere', '{}', 0)`);
  otherOrg = await one('select max(id) from organisations');
  person = await one(`select id from users where org_id = ? and role = 'member' order by id limit 1`, [org]);
  team = await one('select id from teams where org_id = ? order by id limit 1', [org]);
});
afterAll(() => database?.cleanup());

/** Runs a change and reports how far each organisation's version moved. */
async function moved(change: () => Promise<unknown>) {
  const [a, b] = [await orgDataVersion(database.db, org), await orgDataVersion(database.db, otherOrg)];
  await change();
  return { org: (await orgDataVersion(database.db, org)) - a, other: (await orgDataVersion(database.db, otherOrg)) - b };
}

describe('organisation data version', () => {
  it('exists for every organisation, a new one included', async () => {
    expect(await orgDataVersion(database.db, org)).toBeGreaterThan(0);
    expect(await orgDataVersion(database.db, otherOrg)).toBe(1);
  });

  it.each([
    ['a rename', () => exec(`update users set display_name = 'Renamed Person' where id = ?`, [person])],
    ['a new position', () => exec(`update users set tier = 'senior' where id = ?`, [person])],
    ['a deactivation', () => exec('update users set active = 0 where id = ?', [person])],
    ['a new team', () => exec(`insert into teams (org_id, name, created_at, updated_at) values (?, 'Night shift', 0, 0)`, [org])],
    ['a team rename', () => exec(`update teams set name = 'Day shift' where id = ?`, [team])],
    ['a membership ending', () => exec('delete from team_memberships where team_id = ? and user_id = ?', [team, person])],
    ['a membership starting', () => exec('insert into team_memberships (team_id, user_id, created_at) values (?, ?, 0)', [team, person])],
    [
      'a new organisation skill',
      () =>
        exec(
          `insert into skills (id, org_id, name, category, description, source, created_at, updated_at) values ('dock-scheduling-v', ?, 'Dock scheduling', 'technical', 'Plans dock slots.', 'admin', 0, 0)`,
          [org],
        ),
    ],
    [
      'a rating',
      () =>
        exec(
          `insert into skill_ratings (org_id, subject_user_id, rater_user_id, skill_id, kind, level, rated_at, created_at) values (?, ?, ?, 'dock-scheduling-v', 'self', 2, 1, 0)`,
          [org, person, person],
        ),
    ],
  ])('moves with %s, for that organisation only', async (_what, change) => {
    const m = await moved(change);
    expect(m.org).toBeGreaterThan(0);
    expect(m.other).toBe(0);
  });

  it('moves for every organisation when a shared catalog skill changes', async () => {
    const shared = (await exec('select id from skills where org_id is null limit 1')).rows[0]![0] as string;
    const m = await moved(() => exec(`update skills set name = name || ' ' where id = ?`, [shared]));
    expect(m.org).toBeGreaterThan(0);
    expect(m.other).toBeGreaterThan(0);
  });

  it('stands still for a password change and for sessions', async () => {
    expect(await moved(() => exec(`update users set password_hash = 'x' where id = ?`, [person]))).toEqual({ org: 0, other: 0 });
    expect(
      await moved(() =>
        exec(
          `insert into sessions (id, user_id, secret_hash, created_at, last_verified_at, expires_at) values ('bbbbbbbbbbbbbbbbbbbbbbbb', ?, x'00', 0, 0, 1)`,
          [person],
        ),
      ),
    ).toEqual({ org: 0, other: 0 });
  });
});
