// Pure helpers of the accounts layer: configuration, redirects, origin checks,
// job-role catalog and date labels. (Kept beside the integration tests that
// exercise the same modules against a database.)
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { CONTENT_DIR, loadCatalogsFromDisk, readContentEntries } from '#catalog/load-fs.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv, parseServerEnv } from '#server/env.ts';
import { safeNextPath, loginPath } from '#server/request/context.ts';
import { isSameOriginRequest } from '#server/request/origin.ts';
import { buildCatalog, describePosition, FALLBACK_TIERS, isValidPosition, parsePosition, positionValue } from '#domain/job-roles.ts';
import { ROLE_SLUGS } from '#content/schema.ts';
import { rampDayLabel } from '#domain/calendar.ts';
import { localPath } from '#server/db/client.ts';
import { backupTimestamp } from '#server/backup.ts';
import { changedFields } from '#server/audit/index.ts';
import { keepTyped } from '#server/request/form.ts';
import { parseId } from '#domain/fields.ts';

describe('parseEnv', () => {
  it('has working defaults', () => {
    expect(parseEnv({})).toEqual({
      DATABASE_URL: 'file:./data/opspath.db',
      NODE_ENV: 'development',
      SESSION_INACTIVITY_HOURS: 72,
      SESSION_ABSOLUTE_DAYS: 30,
      PORT: 4321,
      HOST: '0.0.0.0',
      SHUTDOWN_GRACE_MS: 25_000,
      WEB_CONCURRENCY: 1,
      WEB_HEAP_MB: 384,
      PUBLIC_URL: 'http://localhost:4321',
      MAIL_FROM: 'OpsPath <no-reply@localhost>',
      JOBS: 'on',
      companySignIn: null,
    });
  });

  it('takes company sign-in as all four OIDC_* variables or none, naming the missing ones', () => {
    const all = {
      OIDC_ISSUER: 'https://login.example.com/realms/staff',
      OIDC_CLIENT_ID: 'opspath',
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_NAME: 'Example ID',
    };
    expect(parseEnv(all).companySignIn).toEqual({
      issuer: 'https://login.example.com/realms/staff',
      clientId: 'opspath',
      clientSecret: 's3cret',
      name: 'Example ID',
    });
    expect(() => parseEnv({ OIDC_ISSUER: all.OIDC_ISSUER, OIDC_NAME: 'Example ID' })).toThrow(
      'OIDC_*: company sign-in needs all of OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME, or none; missing: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET',
    );
    expect(() => parseEnv({ ...all, OIDC_ISSUER: 'login.example.com' })).toThrow(/OIDC_ISSUER: must be the provider’s issuer address/);
    // Plain http is for a provider on a developer's machine, never production.
    expect(parseEnv({ ...all, OIDC_ISSUER: 'http://127.0.0.1:9000' }).companySignIn?.issuer).toBe('http://127.0.0.1:9000');
    expect(() =>
      parseEnv({ ...all, OIDC_ISSUER: 'http://127.0.0.1:9000', NODE_ENV: 'production', PUBLIC_URL: 'https://ops.example.com' }),
    ).toThrow(/OIDC_ISSUER: must be an https:\/\/ address in production/);
  });

  it('takes mail settings: an smtp(s) URL, a sender, jobs on or off', () => {
    expect(parseEnv({ SMTP_URL: 'smtps://u:p@mail.example.com:465' }).SMTP_URL).toBe('smtps://u:p@mail.example.com:465');
    for (const SMTP_URL of ['mail.example.com', 'http://mail.example.com', 'smtp://']) {
      expect(() => parseEnv({ SMTP_URL }), SMTP_URL).toThrow(/SMTP_URL: must be smtp/);
    }
    expect(parseEnv({ PUBLIC_URL: 'https://ops.example.com' }).MAIL_FROM).toBe('OpsPath <no-reply@ops.example.com>');
    expect(parseEnv({ MAIL_FROM: 'Ops Team <ops@example.com>' }).MAIL_FROM).toBe('Ops Team <ops@example.com>');
    for (const MAIL_FROM of ['ops', 'a@b.c\nBcc: x@y.z', 'Ops <a@b.c> <d@e.f>']) {
      expect(() => parseEnv({ MAIL_FROM }), MAIL_FROM).toThrow(/MAIL_FROM/);
    }
    expect(() => parseEnv({ JOBS: 'sometimes' })).toThrow(/JOBS: must be on or off/);
  });

  it('derives PUBLIC_URL from HOST and PORT outside production, and requires it in production', () => {
    expect(parseEnv({ HOST: '127.0.0.1', PORT: '8080' }).PUBLIC_URL).toBe('http://127.0.0.1:8080');
    expect(parseEnv({ HOST: '::1' }).PUBLIC_URL).toBe('http://[::1]:4321');
    expect(parseEnv({ HOST: '::' }).PUBLIC_URL).toBe('http://localhost:4321');
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: must be set when NODE_ENV=production/);
    expect(parseEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://Ops.Example.com/' }).PUBLIC_URL).toBe('https://ops.example.com');
    expect(parseEnv({ PUBLIC_URL: 'http://ops.example.com:8443' }).PUBLIC_URL).toBe('http://ops.example.com:8443');
  });

  it('takes PUBLIC_URL only as an absolute http(s) address without path, query or fragment', () => {
    for (const PUBLIC_URL of [
      'ops.example.com',
      '/app',
      'ftp://ops.example.com',
      'https://ops.example.com/opspath',
      'https://ops.example.com/?a=1',
      'https://ops.example.com/?',
      'https://ops.example.com/#top',
      'https://user:pw@ops.example.com',
      'javascript:alert(1)',
    ]) {
      expect(() => parseEnv({ PUBLIC_URL }), PUBLIC_URL).toThrow(/PUBLIC_URL: must be an absolute/);
    }
  });

  it('takes a worker count from 1 to 64', () => {
    for (const WEB_CONCURRENCY of ['0', '65', 'two', '1.5']) expect(() => parseEnv({ WEB_CONCURRENCY })).toThrow(/WEB_CONCURRENCY/);
    expect(parseEnv({ WEB_CONCURRENCY: '2' }).WEB_CONCURRENCY).toBe(2);
  });

  it('takes a heap limit from 128 MB, the default being the one package.json passes to Node', () => {
    for (const WEB_HEAP_MB of ['64', 'lots', '300.5']) expect(() => parseEnv({ WEB_HEAP_MB })).toThrow(/WEB_HEAP_MB/);
    expect(parseEnv({ WEB_HEAP_MB: '512' }).WEB_HEAP_MB).toBe(512);
    // The production scripts start Node with the limit; a drift between them and the schema's default would go unseen.
    const scripts = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts as Record<string, string>;
    for (const name of ['start', 'serve'])
      expect(scripts[name]).toContain(`node --max-old-space-size=\${WEB_HEAP_MB:-${parseEnv({}).WEB_HEAP_MB}}`);
  });

  it('refuses a port that is not a whole number in range, and a negative grace period', () => {
    for (const PORT of ['abc', '0', '70000', '80.5']) expect(() => parseEnv({ PORT })).toThrow(/PORT/);
    expect(() => parseEnv({ SHUTDOWN_GRACE_MS: '-1' })).toThrow(/SHUTDOWN_GRACE_MS/);
    expect(parseEnv({ PORT: '8080', HOST: '127.0.0.1' })).toMatchObject({ PORT: 8080, HOST: '127.0.0.1' });
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv({ DATABASE_URL: '', DATABASE_AUTH_TOKEN: '' }).DATABASE_URL).toBe('file:./data/opspath.db');
  });

  it('accepts a libSQL server with a token', () => {
    expect(
      parseEnv({
        DATABASE_URL: 'libsql://db.example.turso.io',
        DATABASE_AUTH_TOKEN: 'tok',
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://opspath.test',
      }),
    ).toMatchObject({
      DATABASE_URL: 'libsql://db.example.turso.io',
      DATABASE_AUTH_TOKEN: 'tok',
      NODE_ENV: 'production',
    });
  });

  it('needs DEVICE_COOKIE_SECRET (32 characters or more) for the production server only', () => {
    const secret = 'x'.repeat(32);
    const production = { NODE_ENV: 'production', PUBLIC_URL: 'https://opspath.test' };
    expect(() => parseServerEnv(production)).toThrow(/DEVICE_COOKIE_SECRET: must be set in production/);
    expect(parseServerEnv({ ...production, DEVICE_COOKIE_SECRET: secret }).DEVICE_COOKIE_SECRET).toBe(secret);
    // With PUBLIC_URL also missing, one failed start names both.
    expect(() => parseServerEnv({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL[\s\S]*DEVICE_COOKIE_SECRET/);
    expect(() => parseEnv({ DEVICE_COOKIE_SECRET: 'short' })).toThrow(/DEVICE_COOKIE_SECRET: must be at least 32 characters/);
    // Command-line tools and development need none.
    expect(parseEnv(production).DEVICE_COOKIE_SECRET).toBeUndefined();
    expect(parseServerEnv({ NODE_ENV: 'development' }).DEVICE_COOKIE_SECRET).toBeUndefined();
  });

  it('lists every bad variable at once, by name', () => {
    try {
      parseEnv({ DATABASE_URL: 'postgres://x', NODE_ENV: 'prod', SESSION_INACTIVITY_HOURS: 'soon', SESSION_ABSOLUTE_DAYS: '0' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['DATABASE_URL', 'NODE_ENV', 'SESSION_INACTIVITY_HOURS', 'SESSION_ABSOLUTE_DAYS'])
        expect(problems).toContain(name);
      expect((error as Error).message).toMatch(/^Invalid configuration:\n {2}- /);
    }
  });

  it('refuses an inactivity timeout longer than the absolute lifetime', () => {
    expect(() => parseEnv({ SESSION_INACTIVITY_HOURS: '100', SESSION_ABSOLUTE_DAYS: '2' })).toThrow(/SESSION_INACTIVITY_HOURS/);
  });
});

describe('safeNextPath (no open redirect after sign-in)', () => {
  it.each([
    ['/app/team/', '/app/team/'],
    ['/app/team/3/?done=updated#x', '/app/team/3/?done=updated#x'],
    [null, '/app/'],
    ['', '/app/'],
    ['https://evil.example/', '/app/'],
    ['//evil.example/', '/app/'],
    ['/\\evil.example', '/app/'],
    ['\\\\evil.example', '/app/'],
    ['javascript:alert(1)', '/app/'],
    ['/app/\u0000x', '/app/'],
    ['app/team', '/app/'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('%s -> %s', (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it('loginPath carries the current path and query', () => {
    expect(loginPath(new URL('http://x.test/app/team/3/?a=1'))).toBe('/login?next=%2Fapp%2Fteam%2F3%2F%3Fa%3D1');
  });
});

describe('isSameOriginRequest (JSON and bodiless posts)', () => {
  const site = 'https://opspath.example';
  const req = (headers: Record<string, string>) => new Request(`${site}/logout`, { method: 'POST', headers });
  it.each([
    ['same Origin', { origin: site }, true],
    ['other Origin', { origin: 'https://evil.example' }, false],
    ['Origin "null" (sandboxed frame)', { origin: 'null' }, false],
    ['Sec-Fetch-Site same-origin', { 'sec-fetch-site': 'same-origin' }, true],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }, false],
    ['Sec-Fetch-Site same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }, false],
    ['neither header', {}, false],
    ['Origin wins over Sec-Fetch-Site', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }, false],
  ])('%s', (_n, headers, expected) => {
    expect(isSameOriginRequest(req(headers), site)).toBe(expected);
  });
});

describe('job-role catalog', () => {
  const guides = new Map([
    [
      'operations-coordinator',
      {
        title: 'Operations Coordinator',
        tiers: [
          { id: 'junior', title: 'Junior' },
          { id: 'lead', title: 'Lead' },
        ],
      },
    ],
  ]);
  const catalog = buildCatalog(guides);

  it('lists the five roles in ladder order, from the guides where present, else generic tiers', () => {
    expect(catalog.map((r) => r.slug)).toEqual([...ROLE_SLUGS]);
    expect(catalog.find((r) => r.slug === 'operations-coordinator')).toMatchObject({
      fromGuide: true,
      tiers: [{ id: 'junior' }, { id: 'lead' }],
    });
    expect(catalog.find((r) => r.slug === 'operations-officer')).toMatchObject({
      fromGuide: false,
      title: 'Operations officer',
      tiers: FALLBACK_TIERS,
    });
  });

  it('validates a role/tier pair against that role’s tiers only', () => {
    expect(isValidPosition(catalog, 'operations-coordinator', 'lead')).toBe(true);
    expect(isValidPosition(catalog, 'operations-officer', 'lead')).toBe(false);
    expect(isValidPosition(catalog, 'astronaut', 'junior')).toBe(false);
  });

  it('round-trips the single select value and refuses odd shapes', () => {
    expect(parsePosition(positionValue('operations-coordinator', 'lead'))).toEqual({ jobRole: 'operations-coordinator', tier: 'lead' });
    expect(parsePosition('operations-coordinator')).toBeNull();
    expect(parsePosition('a/b/c')).toBeNull();
  });

  it('describes a position, and says so when a tier left the guide', () => {
    expect(describePosition(catalog, 'operations-coordinator', 'lead')).toBe('Operations Coordinator · Lead');
    expect(describePosition(catalog, 'operations-coordinator', 'gone')).toMatch(/no longer in the guide/);
    expect(describePosition(catalog, null, null)).toBe('No job role set');
  });

  it('reads tiers from the guides on disk: a missing guide falls back, a broken one is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opspath-content-'));
    try {
      cpSync(CONTENT_DIR, dir, { recursive: true });
      rmSync(join(dir, 'roles', 'operations-manager.md'));
      const fromDisk = loadCatalogsFromDisk(dir).jobRoles;
      expect(fromDisk.find((r) => r.slug === 'operations-assistant')?.fromGuide).toBe(true);
      expect(fromDisk.find((r) => r.slug === 'operations-manager')).toMatchObject({ fromGuide: false, tiers: FALLBACK_TIERS });
      writeFileSync(join(dir, 'roles', 'operations-officer.md'), '---\ntitle: Operations Officer\n---\nBody\n');
      expect(() => readContentEntries(dir)).toThrow(/content\/roles\/operations-officer\.md: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('small helpers', () => {
  it('counts ramp days from the start date (day 1 = start date) for 90 days', () => {
    const today = '2026-11-22';
    expect(rampDayLabel('2026-11-02', today)).toBe('Day 21 of 90');
    expect(rampDayLabel('2026-11-22', today)).toBe('Day 1 of 90');
    expect(rampDayLabel('2026-08-01', today)).toBeNull();
    expect(rampDayLabel('2026-12-01', today)).toBeNull();
    expect(rampDayLabel(null, today)).toBeNull();
  });

  it('resolves file: URLs to paths and leaves remote URLs alone', () => {
    expect(localPath('file:/tmp/a.db')).toBe('/tmp/a.db');
    expect(localPath('file:///tmp/b.db')).toBe('/tmp/b.db');
    expect(localPath('file:data/c.db')).toBe(join(process.cwd(), 'data/c.db'));
    expect(localPath('libsql://x.turso.io')).toBeNull();
  });

  it('names backups with a sortable UTC timestamp', () => {
    expect(backupTimestamp(new Date('2026-11-22T03:04:12.345Z'))).toBe('20261122T030412Z');
  });

  it('changedFields keeps only what changed', () => {
    expect(changedFields({ a: 1, b: 'x', c: null }, { a: 1, b: 'y', c: 'z' })).toEqual({
      before: { b: 'x', c: null },
      after: { b: 'y', c: 'z' },
    });
  });

  it('never echoes passwords back into a form, and accepts only plain positive ids', () => {
    expect(keepTyped({ email: 'a@b.c', password: 'p', newPassword: 'q', currentPassword: 'r' })).toEqual({ email: 'a@b.c' });
    expect([
      parseId('12'),
      parseId('0'),
      parseId('-1'),
      parseId('1e3'),
      parseId('12abc'),
      parseId(' 3'),
      parseId('99999999999999999'),
    ]).toEqual([12, null, null, null, null, null, null]);
  });
});
