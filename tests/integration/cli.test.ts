// The CLI scripts as the start command and operators run them: real
// processes, real temporary database files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '@libsql/client';

// Each test starts Node processes (and argon2 hashing): allow for a loaded CI machine.
vi.setConfig({ testTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'opspath-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Production needs the public address (src/lib/server/env.ts).
const PRODUCTION = { NODE_ENV: 'production', PUBLIC_URL: 'https://opspath.test' } as const;

function run(script: string, env: Record<string, string>, args: string[] = [], input?: string) {
  const result = spawnSync(process.execPath, [`src/cli/${script}`, ...args], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    input,
    timeout: 30_000,
  });
  return { status: result.status, out: result.stdout + result.stderr };
}

async function query(url: string, sql: string) {
  const client = createClient({ url });
  try {
    return (await client.execute(sql)).rows;
  } finally {
    client.close();
  }
}

describe('db-prepare (run by the start command)', () => {
  it('creates the folder, migrates, seeds the demo once outside production and prints the sign-in details', async () => {
    const url = `file:${join(dir, 'nested', 'folder', 'dev.db')}`;
    const first = run('db-prepare.ts', { DATABASE_URL: url, NODE_ENV: 'development' });
    expect(first.status, first.out).toBe(0);
    for (const email of [
      'admin@demo.opspath.test',
      'manager@demo.opspath.test',
      'manager2@demo.opspath.test',
      'newhire@demo.opspath.test',
    ]) {
      expect(first.out).toContain(email);
    }
    expect(first.out).toContain('opspath-demo');
    const second = run('db-prepare.ts', { DATABASE_URL: url, NODE_ENV: 'development' });
    expect(second.status).toBe(0);
    expect(second.out).not.toContain('Created the demo organisation');
    expect(await query(url, 'select count(*) as n from organisations')).toEqual([expect.objectContaining({ n: 1 })]);
    expect(await query(url, 'PRAGMA journal_mode')).toEqual([expect.objectContaining({ journal_mode: 'wal' })]);
  });

  it('never creates demo data in production, and says how to create the first admin', async () => {
    const url = `file:${join(dir, 'prod.db')}`;
    const result = run('db-prepare.ts', { DATABASE_URL: url, ...PRODUCTION });
    expect(result.status, result.out).toBe(0);
    expect(result.out).toContain('npm run admin:create');
    expect(await query(url, 'select count(*) as n from users')).toEqual([expect.objectContaining({ n: 0 })]);
  });

  it('stops with one line per bad variable', () => {
    const result = run('db-prepare.ts', { DATABASE_URL: 'mysql://x', NODE_ENV: 'staging', SESSION_ABSOLUTE_DAYS: 'forever' });
    expect(result.status).toBe(1);
    expect(result.out).toMatch(/- DATABASE_URL: .*\n\s+- NODE_ENV: .*\n\s+- SESSION_ABSOLUTE_DAYS: /);
  });
});

describe('admin:create', () => {
  const url = `file:${join(dir, 'admin.db')}`;

  it('refuses a password flag outright', () => {
    const result = run('admin-create.ts', { DATABASE_URL: url, ...PRODUCTION }, [
      '--email',
      'a@b.test',
      '--name',
      'A',
      '--password',
      'secret-secret',
    ]);
    expect(result.status).toBe(1);
    expect(result.out).toMatch(/never taken as flags/);
    expect(result.out).not.toContain('secret-secret');
  });

  it('creates the organisation and an admin from flags plus OPSPATH_ADMIN_PASSWORD', async () => {
    const result = run('admin-create.ts', { DATABASE_URL: url, ...PRODUCTION, OPSPATH_ADMIN_PASSWORD: 'a strong passphrase' }, [
      '--email',
      'Owner@Acme.test',
      '--name',
      'Olive Owner',
      '--org',
      'Acme Ltd',
    ]);
    expect(result.status, result.out).toBe(0);
    const rows = await query(url, `select u.email, u.role, o.name as org from users u join organisations o on o.id = u.org_id`);
    expect(rows).toEqual([expect.objectContaining({ email: 'owner@acme.test', role: 'admin', org: 'Acme Ltd' })]);
    const audit = await query(url, `select action from audit_log order by id`);
    expect(audit.map((r) => r.action)).toEqual(['org.created', 'user.created']);
  });

  it('reads the password from standard input when piped, into the existing organisation', async () => {
    const result = run(
      'admin-create.ts',
      { DATABASE_URL: url, ...PRODUCTION, OPSPATH_ADMIN_EMAIL: 'second@acme.test', OPSPATH_ADMIN_NAME: 'Sam Second' },
      [],
      'piped passphrase\n',
    );
    expect(result.status, result.out).toBe(0);
    expect(await query(url, 'select count(*) as n from organisations')).toEqual([expect.objectContaining({ n: 1 })]);
  });

  it('refuses a duplicate email and a short password', () => {
    expect(
      run('admin-create.ts', { DATABASE_URL: url, OPSPATH_ADMIN_PASSWORD: 'a strong passphrase' }, [
        '--email',
        'OWNER@acme.test',
        '--name',
        'Again',
      ]).out,
    ).toMatch(/already exists/);
    expect(
      run('admin-create.ts', { DATABASE_URL: url, OPSPATH_ADMIN_PASSWORD: 'short' }, ['--email', 'third@acme.test', '--name', 'Third']).out,
    ).toMatch(/at least 8/);
  });
});

describe('db:migrate and db:backup', () => {
  it('migrate reports success; backup writes an integrity-checked copy into --out', () => {
    const url = `file:${join(dir, 'ops.db')}`;
    const migrated = run('migrate.ts', { DATABASE_URL: url });
    expect(migrated.status, migrated.out).toBe(0);
    // A new file says how many migrations it applied; a second run says there was nothing to do.
    const count = readdirSync(join(import.meta.dirname, '..', '..', 'drizzle')).filter((f) => f.endsWith('.sql')).length;
    expect(migrated.out).toContain(`: ${count} migrations applied (${count} in all); skill catalog: 49 added, 0 updated, 0 retired`);
    const again = run('migrate.ts', { DATABASE_URL: url });
    expect(again.out).toContain(`: already up to date (${count} migrations); skill catalog: 0 added, 0 updated, 0 retired`);
    const out = join(dir, 'backups');
    const backup = run('backup.ts', { DATABASE_URL: url }, ['--out', out]);
    expect(backup.status, backup.out).toBe(0);
    expect(backup.out).toContain('integrity_check ok');
    expect(readdirSync(out)).toEqual([expect.stringMatching(/^opspath-\d{8}T\d{6}Z\.db$/)]);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
