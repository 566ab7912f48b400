// Migrations against a database that already holds data: apply the committed
// migrations one at a time, with rows written by the first one in place, and
// check nothing is lost or broken at any step. New migrations are covered
// automatically (the loop reads drizzle/meta/_journal.json).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '#server/db/client.ts';
import { MIGRATIONS_FOLDER, migrateDatabase } from '#server/db/migrate.ts';
import { hashPassword } from '#server/auth/password.ts';
import { listTeams } from '#server/teams/queries.ts';
import { signInFresh } from '../support/db.ts';
import { latestCells } from '#server/skills/queries.ts';
import { latestRatings, type RatingRecord } from '#domain/skills-matrix.ts';
import type { Level } from '#domain/scale.ts';
import { seededRandom } from '#domain/random.ts';

type Journal = { entries: { idx: number; tag: string; when: number }[] };
const journal: Journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'opspath-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A migrations folder holding only the first `count` migrations. */
function firstMigrations(count: number): string {
  const folder = join(dir, `first-${count}`);
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const entries = journal.entries.slice(0, count);
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) cpSync(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
  return folder;
}

const TABLES = ['organisations', 'users', 'teams', 'team_memberships', 'sessions', 'audit_log'];

describe('committed migrations', () => {
  it('have a SQL file for every journal entry and no stray files', () => {
    const sqlFiles = readdirSync(MIGRATIONS_FOLDER)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect(sqlFiles).toEqual(journal.entries.map((e) => `${e.tag}.sql`).sort());
    expect(journal.entries.length).toBeGreaterThanOrEqual(2);
  });

  it('apply one by one to a database holding data from the first, losing nothing', async () => {
    const url = `file:${join(dir, 'stepwise.db')}`;
    const database = openDatabase({ url });
    try {
      await migrateDatabase(database, url, firstMigrations(1));
      // Data as the first migration's schema defines it, written with plain SQL
      // (the current schema module may have moved on).
      const hash = await hashPassword('stepwise-password');
      const now = Date.now();
      await database.client.batch(
        [
          {
            sql: `insert into organisations (id, name, settings, created_at) values (1, 'Stepwise Ltd', '{"certificationReminderDays":[60,30]}', ?)`,
            args: [now],
          },
          {
            sql: `insert into users (id, org_id, email, display_name, password_hash, role, job_role, tier, start_date, active, created_at, updated_at)
                  values (1, 1, 'boss@stepwise.test', 'Boss', ?, 'manager', 'operations-manager', 'manager', '2024-01-02', 1, ?, ?),
                         (2, 1, 'ann@stepwise.test', 'Ann', ?, 'member', 'operations-assistant', 'assistant', '2026-10-01', 1, ?, ?)`,
            args: [hash, now, now, hash, now, now],
          },
          {
            sql: `insert into teams (id, org_id, name, manager_user_id, created_at, updated_at) values (1, 1, 'Floor', 1, ?, ?)`,
            args: [now, now],
          },
          { sql: `insert into team_memberships (team_id, user_id, created_at) values (1, 2, ?)`, args: [now] },
          {
            sql: `insert into sessions (id, user_id, secret_hash, created_at, last_verified_at, expires_at) values ('aaaaaaaaaaaaaaaaaaaaaaaa', 2, x'00', ?, ?, ?)`,
            args: [now, now, now + 86_400_000],
          },
          {
            sql: `insert into audit_log (org_id, actor_user_id, action, target_type, target_id, at, before, after, ip) values (1, 1, 'user.created', 'user', '2', ?, null, '{"email":"ann@stepwise.test"}', '127.0.0.1')`,
            args: [now],
          },
        ],
        'write',
      );
      const counts = async () =>
        Object.fromEntries(
          await Promise.all(
            TABLES.map(async (t) => [t, Number((await database.client.execute(`select count(*) from ${t}`)).rows[0]![0])] as const),
          ),
        );
      const initial = await counts();

      for (let step = 2; step <= journal.entries.length; step++) {
        await migrateDatabase(database, url, firstMigrations(step));
        expect(await counts(), `row counts after migration ${step}`).toEqual(initial);
        expect((await database.client.execute('PRAGMA integrity_check')).rows[0]![0]).toBe('ok');
        expect((await database.client.execute('PRAGMA foreign_key_check')).rows).toHaveLength(0);
      }

      // The full folder again is a no-op, and every migration is recorded once.
      await migrateDatabase(database, url);
      expect(Number((await database.client.execute('select count(*) from __drizzle_migrations')).rows[0]![0])).toBe(journal.entries.length);

      // The data written under the first schema works with today's code.
      expect(await signInFresh(database.db, 'ANN@stepwise.test', 'stepwise-password')).toMatchObject({ ok: true });
      expect(await listTeams(database.db, 1)).toEqual([expect.objectContaining({ name: 'Floor', managerName: 'Boss', memberCount: 1 })]);
      const [org] = (await database.client.execute('select settings from organisations')).rows;
      expect(JSON.parse(String(org![0]))).toEqual({ certificationReminderDays: [60, 30] });
    } finally {
      database.close();
    }
  });

  it('0007 fills skill_ratings_current from the ratings already stored, then the trigger keeps it', async () => {
    const url = `file:${join(dir, 'current.db')}`;
    const database = openDatabase({ url });
    const before = journal.entries.findIndex((e) => e.tag === '0007_skill_ratings_current');
    expect(before).toBeGreaterThan(0);
    try {
      await migrateDatabase(database, url, firstMigrations(before));
      const now = Date.now();
      const hash = await hashPassword('current-password');
      await database.client.batch(
        [
          { sql: `insert into organisations (id, name, settings, created_at) values (1, 'Current Ltd', '{}', ?)`, args: [now] },
          {
            sql: `insert into users (id, org_id, email, display_name, password_hash, role, active, created_at, updated_at) values (1, 1, 'boss@current.test', 'Boss', ?, 'manager', 1, ?, ?), (2, 1, 'ann@current.test', 'Ann', ?, 'member', 1, ?, ?), (3, 1, 'bo@current.test', 'Bo', ?, 'member', 1, ?, ?)`,
            args: [hash, now, now, hash, now, now, hash, now, now],
          },
          ...['forklift', 'picking', 'customs'].map((id) => ({
            sql: `insert into skills (id, org_id, name, category, description, source, created_at, updated_at) values (?, 1, ?, 'technical', 'x', 'admin', ?, ?)`,
            args: [id, id, now, now],
          })),
        ],
        'write',
      );
      const skillIds = ['forklift', 'picking', 'customs'];
      // Ratings in random order of rated_at, with same-instant ties that only the id breaks.
      const random = seededRandom(7);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
      const insert = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const subject = pick([2, 3]);
          const kind = pick(['self', 'manager'] as const);
          await database.client.execute({
            sql: 'insert into skill_ratings (org_id, subject_user_id, rater_user_id, skill_id, kind, level, rated_at, created_at) values (1, ?, ?, ?, ?, ?, ?, ?)',
            args: [
              subject,
              kind === 'self' ? subject : 1,
              pick(skillIds),
              kind,
              Math.floor(random() * 5),
              1_700_000_000_000 + Math.floor(random() * 4) * 86_400_000,
              now,
            ],
          });
        }
      };
      const expected = async () => {
        const rows = (await database.client.execute('select id, subject_user_id, skill_id, kind, level, rated_at from skill_ratings')).rows;
        const records: RatingRecord[] = rows.map((r) => ({
          id: Number(r[0]),
          subjectId: Number(r[1]),
          skillId: String(r[2]),
          kind: r[3] as 'self' | 'manager',
          level: Number(r[4]) as Level,
          ratedAt: Number(r[5]),
        }));
        return new Map([...latestRatings(records)].sort());
      };
      await insert(60);
      await migrateDatabase(database, url, firstMigrations(before + 1));
      expect(new Map([...(await latestCells(database.db, 1, null))].sort())).toEqual(await expected());
      await insert(60);
      expect(new Map([...(await latestCells(database.db, 1, [2, 3]))].sort())).toEqual(await expected());
    } finally {
      database.close();
    }
  });

  it('match the schema module (drizzle-kit finds nothing left to generate)', () => {
    const out = join(dir, 'drift');
    cpSync(MIGRATIONS_FOLDER, out, { recursive: true });
    const result = spawnSync(
      'npx',
      // drizzle-kit prefixes `out` with './', so it must be relative to the project.
      [
        'drizzle-kit',
        'generate',
        '--dialect=sqlite',
        '--schema=src/lib/server/db/schema.ts',
        `--out=${relative(process.cwd(), out)}`,
        '--name=drift_check',
      ],
      { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/No schema changes/);
    expect(readdirSync(out).filter((f) => f.includes('drift_check'))).toEqual([]);
  }, 60_000);
});
