// drizzle-kit reads this for `npm run db:generate` (writes SQL into drizzle/).
// Migrations are applied by `npm run db:migrate` (src/cli/migrate.ts), not by
// drizzle-kit, so the same code path runs in production, the start command and tests.
// dialect 'sqlite' (not 'turso') keeps the SQL plain SQLite, which a local file,
// a libSQL server and Turso all accept.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/lib/server/db/schema.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
});
