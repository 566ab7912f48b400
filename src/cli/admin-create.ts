// npm run admin:create -- --email you@example.com --name "Your Name" [--org "Acme Ltd"]
// Creates an admin account (and the organisation, if there is none yet): the
// way to the first account in production, where no demo data exists.
// Email, name and organisation come from flags or OPSPATH_ADMIN_EMAIL,
// OPSPATH_ADMIN_NAME, OPSPATH_ORG_NAME. The password comes from
// OPSPATH_ADMIN_PASSWORD or a hidden prompt, never from a flag: flags end up in
// shell history and in `ps` output for every user of the machine.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { asc } from 'drizzle-orm';
import { z } from 'zod';
import { writeAudit } from '#server/audit/index.ts';
import { runWithDatabase } from '#server/cli.ts';
import { migrateDatabase } from '#server/db/migrate.ts';
import { organisations, users } from '#server/db/schema.ts';
import { hashPassword, passwordSchema } from '#server/auth/password.ts';
import { normaliseEmail } from '#domain/fields.ts';
import { findUserByEmail } from '#server/people/queries.ts';

const USAGE = 'Usage: npm run admin:create -- --email you@example.com --name "Your Name" [--org "Organisation name"]';

function readArgs() {
  if (process.argv.some((a) => a === '--password' || a.startsWith('--password='))) {
    throw new Error('Passwords are never taken as flags. Set OPSPATH_ADMIN_PASSWORD or type it at the prompt.');
  }
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, org: { type: 'string' } },
    strict: true,
  });
  const input = z
    .object({
      email: z
        .string({ error: 'missing --email (or OPSPATH_ADMIN_EMAIL)' })
        .trim()
        .pipe(z.email({ error: '--email is not an email address' })),
      name: z.string({ error: 'missing --name (or OPSPATH_ADMIN_NAME)' }).trim().min(1, { error: '--name is empty' }).max(100),
      org: z.string().trim().min(1).max(100).default('My organisation'),
    })
    .safeParse({
      email: values.email ?? process.env.OPSPATH_ADMIN_EMAIL,
      name: values.name ?? process.env.OPSPATH_ADMIN_NAME,
      org: values.org ?? process.env.OPSPATH_ORG_NAME,
    });
  if (!input.success) throw new Error(`${input.error.issues.map((i) => i.message).join('; ')}\n${USAGE}`);
  return input.data;
}

/** Reads a line without echoing it (TTY), or the first line of piped stdin. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return new Promise((resolve, reject) => {
      const rl = createInterface({ input: stdin });
      rl.once('line', (line) => {
        resolve(line);
        rl.close();
      });
      rl.once('close', () => reject(new Error('No password on standard input.')));
    });
  }
  return new Promise((resolve, reject) => {
    process.stdout.write(question);
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          process.stdout.write('\n');
          resolve(typed);
          return;
        }
        if (ch === '\u0003') {
          cleanup();
          process.stdout.write('\n');
          reject(new Error('Cancelled.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.OPSPATH_ADMIN_PASSWORD;
  const password = fromEnv ?? (await promptHidden('Password for the new admin (8-256 characters): '));
  const checked = passwordSchema.safeParse(password);
  if (!checked.success) throw new Error(checked.error.issues[0]!.message);
  if (fromEnv === undefined && process.stdin.isTTY) {
    const again = await promptHidden('Type it again: ');
    if (again !== password) throw new Error('The two passwords differ.');
  }
  return password;
}

await runWithDatabase('admin:create', async (database, config) => {
  const args = readArgs();
  const email = normaliseEmail(args.email);
  await migrateDatabase(database, config.DATABASE_URL);
  const { db } = database;
  if (await findUserByEmail(db, email)) throw new Error(`An account for ${email} already exists.`);
  const passwordHash = await hashPassword(await readPassword());
  const now = new Date();

  const result = await db.transaction(async (tx) => {
    // One organisation for now: use the first, or create it.
    let [org] = await tx.select().from(organisations).orderBy(asc(organisations.id)).limit(1);
    if (!org) {
      [org] = await tx.insert(organisations).values({ name: args.org, settings: {}, createdAt: now }).returning();
      await writeAudit(tx, {
        orgId: org!.id,
        actorUserId: null,
        action: 'org.created',
        target: { type: 'organisation', id: org!.id },
        after: { name: args.org },
        at: now,
      });
    }
    const [admin] = await tx
      .insert(users)
      .values({ orgId: org!.id, email, displayName: args.name, passwordHash, role: 'admin', active: true, createdAt: now, updatedAt: now })
      .returning({ id: users.id });
    await writeAudit(tx, {
      orgId: org!.id,
      actorUserId: null,
      action: 'user.created',
      target: { type: 'user', id: admin!.id },
      after: { email, displayName: args.name, role: 'admin', via: 'admin:create' },
      at: now,
    });
    return { orgName: org!.name };
  });
  console.log(`admin:create: ${email} is now an admin of "${result.orgName}". Sign in at /login.`);
});
