// Bench of the people import (issue 16, "Measured"): a generated 50,000-person
// HR file (1,000 teams of 50, each with its manager, every person with a job
// role, tier and start date) imported into the demo organisation in a fresh
// temporary database: preview (read, check, plan, store), apply (one
// transaction), a second apply of the same file (nothing to write), and the
// process's peak RSS. Run: `npx node tests/bench/people-import.mjs [people]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { toCsv } from '#domain/csv.ts';
import { openDatabase } from '#server/db/client.ts';
import { migrateDatabase } from '#server/db/migrate.ts';
import { seedDemoOrganisation } from '#server/demo/index.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import { applyPeopleImport, previewPeopleImport } from '#server/people-import/index.ts';

const PEOPLE = Number(process.argv[2] ?? 50_000);
const TEAM_SIZE = 50;

const dir = mkdtempSync(join(tmpdir(), 'opspath-import-bench-'));
const url = `file:${join(dir, 'bench.db')}`;
const database = openDatabase({ url });
try {
  await migrateDatabase(database, url);
  const catalogs = loadCatalogsFromDisk();
  await seedDemoOrganisation(database.db, catalogs, new Date('2026-11-22T09:00:00Z'));
  const adminRow = await findUserByEmail(database.db, 'admin@demo.opspath.test');
  const actor = { id: adminRow.id, orgId: adminRow.orgId, role: adminRow.role, active: true };
  const ctx = { actor, ip: null, now: new Date(), today: '2026-12-03' };
  const positions = catalogs.jobRoles.flatMap((r) => r.tiers.map((t) => [r.slug, t.id]));

  const rows = [['email', 'name', 'role', 'job_role', 'tier', 'start_date', 'team', 'manages']];
  for (let i = 0; i < PEOPLE; i++) {
    const team = `Site ${String(Math.floor(i / TEAM_SIZE) + 1).padStart(4, '0')}`;
    const leads = i % TEAM_SIZE === 0;
    const [jobRole, tier] = positions[i % positions.length];
    const day = String((i % 28) + 1).padStart(2, '0');
    rows.push([
      `person${i}@hr.bench.test`,
      `Person ${i}`,
      leads ? 'manager' : 'member',
      jobRole,
      tier,
      `2025-03-${day}`,
      team,
      leads ? team : '',
    ]);
  }
  const text = toCsv(rows);
  rows.length = 0;
  const rssBeforeMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const file = {
    text,
    fileName: 'hr-50k.csv',
    format: 'csv',
    options: { deactivateAbsent: false, invite: process.env.BENCH_INVITE === '1' },
  };

  const time = async (fn) => {
    const start = performance.now();
    const value = await fn();
    return { value, ms: performance.now() - start };
  };
  const preview = await time(() => previewPeopleImport(database.db, ctx, file, catalogs.jobRoles));
  if (!preview.value.ok) throw new Error(preview.value.message);
  const apply = await time(() => applyPeopleImport(database.db, ctx, preview.value.value.id, catalogs.jobRoles));
  const again = await time(() => previewPeopleImport(database.db, ctx, file, catalogs.jobRoles));
  const reapply = await time(() => applyPeopleImport(database.db, ctx, again.value.value.id, catalogs.jobRoles));
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const result = {
    people: PEOPLE,
    fileMb: +(Buffer.byteLength(text) / 1024 / 1024).toFixed(1),
    previewS: +(preview.ms / 1000).toFixed(1),
    applyS: +(apply.ms / 1000).toFixed(1),
    applied: apply.value.summary,
    secondPreviewS: +(again.ms / 1000).toFixed(1),
    secondApplyS: +(reapply.ms / 1000).toFixed(1),
    secondApplied: reapply.value.summary,
    rssBeforeImportMb: rssBeforeMb,
    peakRssMb: Math.round(peakRssMb),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  database.close();
  rmSync(dir, { recursive: true, force: true });
}
