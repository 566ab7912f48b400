// An apply's state is read from the people_imports row, so a process that did
// not start it (here: a second connection, and an apply this process does not
// run) shows it as running with its size while its lease holds, then as
// interrupted, and refuses to start it twice meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Actor } from '#domain/access.ts';
import { planSummary } from '#domain/people-import.ts';
import { openDatabase, type Database } from '#server/db/client.ts';
import { peopleImports } from '#server/db/schema.ts';
import { APPLY_LEASE_MS, peopleImportView, previewPeopleImport, startPeopleImport } from '#server/people-import/index.ts';
import { actorByEmail, createTestDatabase, seedDemo, TEST_CATALOG, type TestDatabase } from '../support/db.ts';
import { testContext } from '../support/context.ts';

let t: TestDatabase;
let other: Database;
let admin: Actor;

beforeAll(async () => {
  t = await createTestDatabase('people-import-progress');
  await seedDemo(t.db);
  admin = await actorByEmail(t.db, 'admin@demo.opspath.test');
  other = openDatabase({ url: t.url });
});
afterAll(() => {
  other.close();
  t.cleanup();
});

const csv = ['email,name,role', 'casey.jordan@hr.test,Casey Jordan,member', 'robin.lee@hr.test,Robin Lee,member'].join('\n');

describe('people import progress across processes', () => {
  it('shows another process’s apply as running with its size, then interrupted once its lease ran out', async () => {
    const created = await previewPeopleImport(
      t.db,
      testContext(admin),
      { text: csv, fileName: 'hr.csv', format: 'csv', options: { deactivateAbsent: false, invite: false } },
      TEST_CATALOG,
    );
    if (!created.ok) throw new Error(created.message);
    const id = created.value.id;
    const previewed = await peopleImportView(t.db, admin, String(id));
    if (!previewed.ok || !previewed.value.plan) throw new Error('the preview has no plan');
    const counts = planSummary(previewed.value.plan);
    // Claimed by a process that is not this one: only the row says so.
    const claimedAt = new Date();
    await t.db.update(peopleImports).set({ status: 'applying', applyStartedAt: claimedAt, applyTotal: 2 }).where(eq(peopleImports.id, id));

    const running = await peopleImportView(other.db, admin, String(id));
    expect(running.ok && running.value.state).toBe('applying');
    expect(running.ok && running.value.progress).toEqual({ done: 0, total: 2 });
    // The reloading page gets the counts from SQLite, not the plan: the same counts the preview showed.
    expect(running.ok && running.value.plan).toBeNull();
    expect(running.ok && running.value.summary).toEqual(counts);
    expect(running.ok && running.value.summary?.created).toBe(2);
    const twice = await startPeopleImport(other.db, testContext(admin), String(id), TEST_CATALOG);
    expect(twice.ok).toBe(false);

    await t.db
      .update(peopleImports)
      .set({ applyStartedAt: new Date(claimedAt.getTime() - APPLY_LEASE_MS - 1) })
      .where(eq(peopleImports.id, id));
    const gone = await peopleImportView(other.db, admin, String(id));
    expect(gone.ok && gone.value.state).toBe('interrupted');
    expect(gone.ok && gone.value.plan && planSummary(gone.value.plan)).toEqual(counts);
    expect(gone.ok && gone.value.progress).toBeNull();
  });
});
