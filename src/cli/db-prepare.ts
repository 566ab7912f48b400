// Run by the start command before the server listens (one step, one process):
// migrate; drop dead sessions; on an empty database outside production, create
// the demo organisation and print how to sign in.
import { eq } from 'drizzle-orm';
import { describeUrl, runWithDatabase, syncContent } from '#server/cli.ts';
import { users } from '#server/db/schema.ts';
import { describeMigration, migrateDatabase } from '#server/db/migrate.ts';
import { DEMO_ACCOUNTS, DEMO_ORG_NAME, DEMO_PASSWORD, isDatabaseEmpty, seedDemoOrganisation } from '#server/demo/index.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { deleteExpiredSessions, policyFromEnv } from '#server/auth/session.ts';

await runWithDatabase('db:prepare', async (database, config) => {
  const { db } = database;
  const migration = await migrateDatabase(database, config.DATABASE_URL);
  await syncContent(db);
  const removed = await deleteExpiredSessions(db, { policy: policyFromEnv() });
  console.log(
    `db:prepare: ${describeUrl(config.DATABASE_URL)}: ${describeMigration(migration)}${removed ? `; ${removed} expired session(s) removed` : ''}.`,
  );

  if (config.NODE_ENV !== 'production' && (await isDatabaseEmpty(db))) {
    const content = loadCatalogsFromDisk();
    await seedDemoOrganisation(db, content);
    const missing = content.jobRoles.filter((r) => !r.fromGuide).map((r) => r.slug);
    console.log(
      [
        '',
        `Created the demo organisation "${DEMO_ORG_NAME}" (not in production: NODE_ENV=${config.NODE_ENV}).`,
        'Sign in at /login with any of these accounts:',
        ...DEMO_ACCOUNTS.map((a) => `  ${a.email.padEnd(30)} ${a.what}`),
        `Password for all of them: ${DEMO_PASSWORD}`,
        ...(missing.length ? [`(No tiers in content/roles for ${missing.join(', ')} yet: those people got generic tiers.)`] : []),
        '',
      ].join('\n'),
    );
    return;
  }

  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1);
  if (!admin) {
    console.log('db:prepare: no admin account yet. Create one with: npm run admin:create -- --email you@example.com --name "Your Name"');
  }
});
