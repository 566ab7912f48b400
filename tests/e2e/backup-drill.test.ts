// Backup drill (issue 8, item 6): `npm run db:backup` while a client keeps
// writing ratings through the server, then the restore an operator does (stop
// the portal, copy the backup file to where DATABASE_URL points, start it):
// - the backup passes integrity_check and holds every rating acknowledged
//   before the backup started;
// - it is one consistent moment of the live database: its ratings and audit
//   rows are exactly the live ones up to its newest row, each rating with the
//   audit row of its transaction, and every table not written meanwhile has
//   the live count;
// - the portal starts on the restored file: /healthz answers 200, sign-in
//   works and a rating from before the backup is on the person's page.
// The database holds ~150,000 extra ratings so the backup takes long enough to
// overlap with the writes.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createClient, type Client as LibsqlClient } from '@libsql/client';
import {
  Client,
  LOCK_ERRORS,
  count,
  integrity,
  killAllServers,
  prepareDatabase,
  root,
  serverEnv,
  signInCookie,
  startServer,
  tableCounts,
  tempDir,
  userId,
  withDatabase,
  type Server,
} from '../support/processes.ts';
import { Counter } from '../support/wait.ts';

const tmp = tempDir('backup-drill');
const databaseUrl = `file:${join(tmp.dir, 'live', 'opspath.db')}`;
const backupDir = join(tmp.dir, 'backups');
const restoredPath = join(tmp.dir, 'restored', 'opspath.db');
const restoredUrl = `file:${restoredPath}`;
/** Weeks of bulk history: 600 x 49 skills x 5 people = 147,000 ratings. */
const BULK_ROUNDS = 600;

let reader: LibsqlClient;

afterAll(async () => {
  await killAllServers();
  reader?.close();
  tmp.remove();
});

/** `npm run db:backup -- --out <dir>`, as an operator runs it, without blocking this process (the writes go on). */
function runBackup(): Promise<{ code: number | null; out: string }> {
  const npm = process.env.npm_execpath;
  const [command, args] = npm && existsSync(npm) ? [process.execPath, [npm]] : ['npm', []];
  const child = spawn(command, [...args, 'run', '--silent', 'db:backup', '--', '--out', backupDir], {
    cwd: root,
    env: serverEnv(databaseUrl),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d.toString()));
  child.stderr.on('data', (d) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

describe('backup drill', () => {
  let server: Server;
  let warehouse: number[] = [];
  let skillIds: string[] = [];

  beforeAll(async () => {
    prepareDatabase(databaseUrl);
    await withDatabase(databaseUrl, async (database) => {
      skillIds = (await database.db.all<{ id: string }>(sql`select id from skills where active = 1 order by position`)).map((r) => r.id);
      warehouse = (
        await database.db.all<{ id: number }>(
          sql`select m.user_id as id from team_memberships m join teams t on t.id = m.team_id where t.name = 'Warehouse Operations' order by m.user_id`,
        )
      ).map((r) => Number(r.id));
      // Bulk history for the other team (so the pages checked below stay small).
      const manager2 = await userId(database, 'manager2@demo.opspath.test');
      await database.client.execute({
        sql: `with recursive n(i) as (select 0 union all select i + 1 from n where i < ?)
              insert into skill_ratings (org_id, subject_user_id, rater_user_id, skill_id, kind, level, note, rated_at, created_at)
              select u.org_id, u.id, ?, s.id, 'manager', (n.i + u.id) % 5, 'bulk history', 1600000000000 + n.i * 86400000, 1600000000000
              from n cross join skills s cross join users u join team_memberships m on m.user_id = u.id join teams t on t.id = m.team_id
              where s.active = 1 and t.name = 'Customer Operations'`,
        args: [BULK_ROUNDS - 1, manager2],
      });
    });
    server = await startServer(databaseUrl);
    reader = createClient({ url: databaseUrl });
  });

  it('backs up under write load, restores to a consistent copy, and the portal runs on it', { timeout: 180_000 }, async () => {
    const client = new Client(server.base, await signInCookie(server.base, 'manager@demo.opspath.test'));
    /** Acknowledged ratings: id -> what was sent and when the answer came. */
    const acked = new Map<number, { subject: number; note: string; at: number }>();
    const failures: string[] = [];
    let stop = false;
    // What the writers report, for the waits below: each acknowledged rating, and the first failure.
    const acks = new Counter();
    let failed = () => {};
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const fail = (message: string) => {
      failures.push(message);
      failed();
    };

    async function writer(w: number) {
      for (let k = 0; !stop; k++) {
        const subject = warehouse[(k + w) % warehouse.length]!;
        const note = `drill-w${w}-${k}`;
        let res: Response;
        let body: string;
        try {
          res = await client.postJson('/app/skills/rating', {
            personId: subject,
            skillId: skillIds[k % skillIds.length],
            level: k % 5,
            note,
          });
          body = await res.text();
        } catch (error) {
          fail(`request failed: ${(error as Error).message}`);
          return;
        }
        if (res.status !== 200 || LOCK_ERRORS.test(body)) {
          fail(`${res.status} ${body.slice(0, 200)}`);
          continue;
        }
        acked.set((JSON.parse(body) as { ratingId: number }).ratingId, { subject, note, at: performance.now() });
        acks.add();
      }
    }

    // A long read stays open through the drill, as a large export or another backup would hold one. SQLite
    // cannot checkpoint past it, so the writes below live only in the WAL: a backup that copied the database
    // file instead of reading through SQLite would miss them.
    const longRead = await reader.transaction('read');
    await longRead.execute('select count(*) from skill_ratings');

    const writers = Promise.all([writer(0), writer(1)]);
    // A history of acknowledged writes first (counted, not timed: a slow machine just takes longer).
    await Promise.race([acks.reach(50), firstFailure, writers]);
    const ackedBefore = new Set(acked.keys());
    const backupStarted = performance.now();
    const backup = await runBackup();
    const backupEnded = performance.now();
    // And some after it, so the live database moves on past the copy (counted too).
    await Promise.race([acks.reach(acks.value + 20), firstFailure, writers]);
    stop = true;
    await writers;
    longRead.close();

    expect(backup.code, backup.out).toBe(0);
    expect(backup.out).toContain('integrity_check ok');
    expect(failures).toEqual([]);
    expect(ackedBefore.size).toBeGreaterThanOrEqual(50);
    const during = [...acked.values()].filter((a) => a.at > backupStarted && a.at < backupEnded).length;
    // The writes really went on while the backup ran.
    expect(during).toBeGreaterThan(0);

    const stopped = await server.stop();
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(server.stderr()).not.toMatch(LOCK_ERRORS);

    // Restore into a fresh place, as the portal would find it: the one backup file, copied to DATABASE_URL's path.
    const files = readdirSync(backupDir);
    expect(files).toEqual([expect.stringMatching(/^opspath-\d{8}T\d{6}Z\.db$/)]);
    expect(backup.out).toContain(join(backupDir, files[0]!));
    mkdirSync(join(tmp.dir, 'restored'));
    copyFileSync(join(backupDir, files[0]!), restoredPath);
    expect(await integrity(restoredUrl)).toBe('ok');

    const live = await withDatabase(databaseUrl, async (database) => ({
      counts: await tableCounts(database),
      ratingIds: (await database.db.all<{ id: number }>(sql`select id from skill_ratings where note like 'drill-%' order by id`)).map((r) =>
        Number(r.id),
      ),
    }));
    const restored = await withDatabase(restoredUrl, async (database) => {
      const ratingIds = (
        await database.db.all<{ id: number }>(sql`select id from skill_ratings where note like 'drill-%' order by id`)
      ).map((r) => Number(r.id));
      const auditedIds = (
        await database.db.all<{ id: number }>(
          sql`select json_extract("after", '$.ratingId') as id from audit_log where action = 'skill.rated' and json_extract("after", '$.note') like 'drill-%' order by 1`,
        )
      ).map((r) => Number(r.id));
      const [maxes] = await database.db.all<{ rating: number; audit: number }>(
        sql`select (select max(id) from skill_ratings) as rating, (select max(id) from audit_log) as audit`,
      );
      // Derived by triggers in the same transactions: the current ratings are exactly the newest per person x skill x kind of the ratings in the copy.
      const staleCurrent = await count(
        database,
        sql`
        select count(*) as n from (select distinct org_id as o, subject_user_id as s, skill_id as k, kind from skill_ratings) g
        where (select x.id from skill_ratings x where x.org_id = g.o and x.subject_user_id = g.s and x.skill_id = g.k and x.kind = g.kind order by x.rated_at desc, x.id desc limit 1)
          is not (select case g.kind when 'self' then c.self_rating_id else c.manager_rating_id end from skill_ratings_current c where c.subject_user_id = g.s and c.skill_id = g.k)`,
      );
      const currentRows = await count(
        database,
        sql`select count(*) as n from (select distinct subject_user_id, skill_id from skill_ratings)`,
      );
      return {
        counts: await tableCounts(database),
        ratingIds,
        auditedIds,
        maxRating: Number(maxes!.rating),
        maxAudit: Number(maxes!.audit),
        staleCurrent,
        currentRows,
      };
    });

    console.log(
      `backup drill: the backup took ${Math.round(backupEnded - backupStarted)} ms (npm included); ratings acknowledged before it ${ackedBefore.size}, ` +
        `during it ${during}, in all ${acked.size}; in the backup ${restored.ratingIds.length}`,
    );
    // Every rating acknowledged before the backup started is in it, and every acknowledged one is live.
    for (const id of ackedBefore) expect(restored.ratingIds, `rating ${id}`).toContain(id);
    expect(live.ratingIds).toEqual([...acked.keys()].sort((a, b) => a - b));
    // One consistent moment: the backup's ratings are the live ones up to its newest, none missing in between...
    expect(restored.ratingIds).toEqual(live.ratingIds.filter((id) => id <= restored.maxRating));
    // ...each with its audit row (written in the same transaction), and nothing else.
    expect(restored.auditedIds).toEqual(restored.ratingIds);
    // Row counts at that moment: the live rows up to the backup's newest ids; untouched tables equal.
    await withDatabase(databaseUrl, async (database) => {
      expect(restored.counts.skill_ratings).toBe(
        await count(database, sql`select count(*) as n from skill_ratings where id <= ${restored.maxRating}`),
      );
      expect(restored.counts.audit_log).toBe(
        await count(database, sql`select count(*) as n from audit_log where id <= ${restored.maxAudit}`),
      );
    });
    expect(restored.counts.skill_ratings).toBeGreaterThan(BULK_ROUNDS * skillIds.length);
    expect(restored.staleCurrent).toBe(0);
    expect(restored.counts.skill_ratings_current).toBe(restored.currentRows);
    // Written along with ratings (derived rows, the data version), or by sign-ins: not untouched.
    const moving = ['skill_ratings', 'audit_log', 'sessions', 'skill_ratings_current', 'org_data_versions', 'rate_limit_buckets'];
    for (const [table, n] of Object.entries(live.counts)) {
      if (moving.includes(table)) continue;
      expect(restored.counts[table], table).toBe(n);
    }
    // The copy re-opened says the same as the backup itself.
    expect(await withDatabase(`file:${join(backupDir, files[0]!)}`, tableCounts)).toEqual(restored.counts);

    // The portal on the restored file: prepare (migrations already applied: a no-op) and serve.
    prepareDatabase(restoredUrl);
    const portal = await startServer(restoredUrl);
    const health = await fetch(`${portal.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    const visitor = new Client(portal.base, await signInCookie(portal.base, 'manager@demo.opspath.test'));
    // The newest rating acknowledged before the backup: the one closest to the moment it copies.
    const known = acked.get(Math.max(...ackedBefore))!;
    const page = await visitor.request(`/app/skills/people/${known.subject}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(known.note);
    expect(await portal.stop()).toEqual({ code: 0, signal: null });
  });
});
