// After a write fails with SQLITE_BUSY (another connection held the write lock
// past the busy timeout), the next writes of this process must commit: the
// libsql binding leaves the failed statement in progress on its connection,
// where later writes were acknowledged and never committed. openDatabase's
// client replaces itself after a busy failure (src/lib/server/db/client.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '#server/db/client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let holder: TestDatabase;
let app: Database;
let witness: Client;

beforeAll(async () => {
  holder = await createTestDatabase('busy');
  await holder.client.execute('create table probe (id integer primary key, who text not null)');
  app = openDatabase({ url: holder.url, busyTimeoutMs: 20 });
  witness = createClient({ url: holder.url });
});
afterAll(() => {
  witness?.close();
  app?.close();
  holder?.cleanup();
});

const committed = async () => (await witness.execute('select who from probe order by id')).rows.map((r) => String(r.who));

describe('a write refused with SQLITE_BUSY', () => {
  it.each([
    ['an autocommit write', (c: Client) => c.execute("insert into probe (who) values ('refused')")],
    ['a write transaction', async (c: Client) => (await c.transaction('write')).close()],
  ])('(%s) leaves later writes of the process committed and visible to others', async (_what, refusedWrite) => {
    const lock = await holder.client.transaction('write');
    await lock.execute("insert into probe (who) values ('holder')");
    await expect(refusedWrite(app.client)).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    await lock.commit();

    const label = `after-${Date.now()}-${Math.random()}`;
    await app.client.execute({ sql: 'insert into probe (who) values (?)', args: [label] });
    const tx = await app.client.transaction('write');
    await tx.execute({ sql: 'insert into probe (who) values (?)', args: [`${label}-tx`] });
    await tx.commit();
    expect(await committed()).toEqual(expect.arrayContaining([label, `${label}-tx`]));
    expect(await committed()).not.toContain('refused');
  });
});

describe('writes of one process while one of its transactions is open', () => {
  it('wait their turn without blocking the thread, then commit (no 5 s busy wait, no SQLITE_BUSY)', async () => {
    const own = openDatabase({ url: holder.url });
    let finish = () => {};
    try {
      const started = Date.now();
      let timerFiredAt = 0;
      // The first transaction stays open until the test lets it finish: other requests' writes
      // arrive meanwhile. Signals, not delays: it says when it is inside, the test says when to go on.
      let inside!: () => void;
      const isInside = new Promise<void>((resolve) => (inside = resolve));
      const mayFinish = new Promise<void>((resolve) => (finish = resolve));
      const first = own.db.transaction(async (tx) => {
        await tx.run(sql`insert into probe (who) values ('first')`);
        inside();
        await mayFinish;
        await tx.run(sql`insert into probe (who) values ('first, later')`);
      });
      await isInside;
      const settled = new Set<string>();
      const second = own.db
        .transaction(async (tx) => {
          await tx.run(sql`insert into probe (who) values ('second')`);
        })
        .finally(() => settled.add('second'));
      const autocommit = own.client.execute("insert into probe (who) values ('autocommit')").finally(() => settled.add('autocommit'));
      // A macrotask runs while both writes wait for the first transaction: a synchronous busy wait
      // would hold the thread (for the 5 s busy timeout) and this would run only after it.
      const whileWaiting = await new Promise<string[]>((resolve) =>
        setImmediate(() => {
          timerFiredAt = Date.now();
          resolve([...settled]);
        }),
      );
      expect(whileWaiting).toEqual([]);
      finish();
      await Promise.all([first, second, autocommit]);
      expect(Date.now() - started).toBeLessThan(2000);
      // The thread stayed free while the writes waited.
      expect(timerFiredAt - started).toBeLessThan(100);
      const rows = await committed();
      expect(rows.indexOf('first, later')).toBeLessThan(rows.indexOf('second'));
      expect(rows).toEqual(expect.arrayContaining(['first', 'first, later', 'second', 'autocommit']));
    } finally {
      finish();
      own.close();
    }
  });
});
