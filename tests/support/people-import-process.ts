// A process that applies one stored people import, for tests/e2e/people-import-crash.test.ts:
// it prints PROGRESS <done>/<total> after each written slice (inside the
// transaction) and DONE <state> when the transaction has committed.
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { openDatabase } from '#server/db/client.ts';
import { applyPeopleImport } from '#server/people-import/index.ts';
import { findUserByEmail } from '#server/people/queries.ts';

const database = openDatabase({ url: process.env.DATABASE_URL! });
const admin = (await findUserByEmail(database.db, 'admin@demo.opspath.test'))!;
const actor = { id: admin.id, orgId: admin.orgId, role: admin.role, active: admin.active };
const result = await applyPeopleImport(
  database.db,
  { actor, ip: null, now: new Date(), today: '2026-12-03' },
  Number(process.env.IMPORT_ID),
  loadCatalogsFromDisk().jobRoles,
  (done, total) => console.log(`PROGRESS ${done}/${total}`),
);
console.log(`DONE ${result.state}`);
database.close();
