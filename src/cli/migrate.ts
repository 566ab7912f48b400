// npm run db:migrate: brings DATABASE_URL to this release: applies the
// committed migrations in drizzle/, then syncs the skill catalog from content/
// (idempotent). One step per deploy, before any server starts.
import { describeUrl, runWithDatabase, syncContent } from '#server/cli.ts';
import { describeMigration, migrateDatabase } from '#server/db/migrate.ts';

await runWithDatabase('db:migrate', async (database, config) => {
  const migration = await migrateDatabase(database, config.DATABASE_URL);
  const { added, updated, retired } = await syncContent(database.db);
  console.log(
    `db:migrate: ${describeUrl(config.DATABASE_URL)}: ${describeMigration(migration)}; skill catalog: ${added} added, ${updated} updated, ${retired} retired.`,
  );
});
