// kill -9 during a people import's apply: a real process applying a stored
// 5,000-person import is killed with SIGKILL once it has written part of it
// (it says so after each slice, inside the transaction). The database then
// holds none of it; applying again in a new process writes all of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { eq, like } from 'drizzle-orm';
import { toCsv } from '#domain/csv.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { openDatabase, type Database } from '#server/db/client.ts';
import { auditLog, peopleImports, teams, users } from '#server/db/schema.ts';
import { previewPeopleImport } from '#server/people-import/index.ts';
import { actorByEmail } from '../support/db.ts';
import { testContext } from '../support/context.ts';
import { root, scratchDatabase } from '../support/processes.ts';

const scratch = scratchDatabase('people-import-crash');
let database: Database;
const PEOPLE = 5_000;

beforeAll(() => {
  scratch.prepare();
  database = openDatabase({ url: scratch.url });
});
afterAll(() => scratch.dispose(() => database.close()));

/** Runs the apply process; `killAt` kills it with SIGKILL at the first progress line at or past that many changes. */
function applyInProcess(importId: number, killAt: number | null) {
  const child = spawn(process.execPath, ['tests/support/people-import-process.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: scratch.url, IMPORT_ID: String(importId) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let killedAt: number | null = null;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const seen = [...out.matchAll(/PROGRESS (\d+)\//g)].map((m) => Number(m[1]));
    const last = seen.at(-1);
    if (killAt !== null && killedAt === null && last !== undefined && last >= killAt) {
      killedAt = last;
      child.kill('SIGKILL');
    }
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise<{ signal: NodeJS.Signals | null; out: string; killedAt: number | null }>((resolve) =>
    child.once('exit', (_code, signal) => resolve({ signal, out, killedAt })),
  );
}

const imported = () => database.db.select({ id: users.id }).from(users).where(like(users.email, '%@crash.hr.test'));

describe('kill -9 during a people import', () => {
  it('leaves nothing when killed mid-apply, and everything when applied again', async () => {
    const admin = await actorByEmail(database.db, 'admin@demo.opspath.test');
    const rows = [['email', 'name', 'role', 'team', 'manages']];
    for (let i = 0; i < PEOPLE; i++) {
      const team = `Crash Team ${Math.floor(i / 50)}`;
      rows.push([`p${i}@crash.hr.test`, `Person ${i}`, i % 50 === 0 ? 'manager' : 'member', team, i % 50 === 0 ? team : '']);
    }
    const created = await previewPeopleImport(
      database.db,
      testContext(admin),
      { text: toCsv(rows), fileName: 'crash.csv', format: 'csv', options: { deactivateAbsent: false, invite: false } },
      loadCatalogsFromDisk().jobRoles,
    );
    if (!created.ok) throw new Error(created.message);
    const id = created.value.id;
    const auditsBefore = (await database.db.select({ id: auditLog.id }).from(auditLog)).length;

    const killed = await applyInProcess(id, 2_000);
    expect(killed.signal).toBe('SIGKILL');
    // It had written people and teams inside its transaction when it died.
    expect(killed.killedAt).toBeGreaterThanOrEqual(2_000);
    expect(killed.out).not.toContain('DONE');
    expect(await imported()).toEqual([]);
    expect(await database.db.select().from(teams).where(like(teams.name, 'Crash Team %'))).toEqual([]);
    expect((await database.db.select({ id: auditLog.id }).from(auditLog)).length).toBe(auditsBefore);
    expect((await database.db.select().from(peopleImports).where(eq(peopleImports.id, id)))[0]!.status).toBe('previewed');

    const finished = await applyInProcess(id, null);
    expect(finished.out).toContain('DONE applied');
    expect(await imported()).toHaveLength(PEOPLE);
    expect(await database.db.select().from(teams).where(like(teams.name, 'Crash Team %'))).toHaveLength(PEOPLE / 50);
    expect((await database.db.select().from(peopleImports).where(eq(peopleImports.id, id)))[0]!.status).toBe('applied');
  });
});
