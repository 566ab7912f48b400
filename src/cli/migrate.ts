// npm run db:migrate: applies the committed migrations in drizzle/ to DATABASE_URL.
import { describeUrl, runWithDatabase } from '#server/cli.ts';
import { migrateDatabase } from '#server/db/migrate.ts';

await runWithDatabase('db:migrate', async (database, config) => {
  await migrateDatabase(database, config.DATABASE_URL);
  console.log(`db:migrate: ${describeUrl(config.DATABASE_URL)} is up to date.`);
});
