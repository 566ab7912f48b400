// No token and no message content in any log line: a real server in
// development (where the outbox summarises every message in its log) goes
// through a reset, an unknown address and an invitation, and its whole output
// is searched for the tokens, the addresses, the links and the subjects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { outboxMessages } from '#server/db/schema.ts';
import { prepareDatabase, signInCookie, startServer, tempDir, withDatabase, type Server } from '../support/processes.ts';

const temp = tempDir('account-logs');
const databaseUrl = `file:${join(temp.dir, 'app.db')}`;
let server: Server;

beforeAll(async () => {
  prepareDatabase(databaseUrl);
  server = await startServer(databaseUrl, { env: { NODE_ENV: 'development' } });
});
afterAll(async () => {
  await server?.stop();
  temp.remove();
});

const post = (path: string, form: Record<string, string>, cookie = '') =>
  fetch(`${server.base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.base, ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form),
  });

describe('the server log', () => {
  it('names messages by id and kind only, never a token, address, link or subject', async () => {
    expect((await post('/forgot-password', { email: 'newhire@demo.opspath.test' })).status).toBe(303);
    expect((await post('/forgot-password', { email: 'nobody@demo.opspath.test' })).status).toBe(303);
    const admin = await signInCookie(server.base, 'admin@demo.opspath.test');
    const invited = 'logged.invitee@demo.opspath.test';
    const added = await post(
      '/app/team/',
      { teamId: '', email: invited, displayName: 'Logged Invitee', position: 'operations-assistant/assistant', startDate: '2026-11-20' },
      admin,
    );
    expect(added.status).toBe(303);

    const messages = await withDatabase(databaseUrl, (database) => database.db.select().from(outboxMessages));
    expect(messages.map((m) => m.kind).sort()).toEqual(['invitation', 'password-reset']);
    const reset = messages.find((m) => m.kind === 'password-reset')!;
    const token = /\/reset-password\/([a-z2-7]{32})/.exec(reset.textBody)![1]!;
    const landing = await fetch(`${server.base}/reset-password/${token}`, { redirect: 'manual' });
    const cookie = landing.headers.getSetCookie()[0]!.split(';')[0]!;
    const done = await post('/reset-password/', { newPassword: 'logged-new-password', confirmPassword: 'logged-new-password' }, cookie);
    expect(done.headers.get('location')).toBe('/login?done=reset');
    const used = await withDatabase(databaseUrl, (database) =>
      database.db.select().from(outboxMessages).where(eq(outboxMessages.id, reset.id)),
    );
    expect(used).toHaveLength(1);

    const log = server.stdout() + server.stderr();
    expect(log).toMatch(/outbox: message \d+ password-reset queued/);
    const secrets = [
      token,
      /\/invitation\/([a-z2-7]{32})/.exec(messages.find((m) => m.kind === 'invitation')!.textBody)![1]!,
      'newhire@demo.opspath.test',
      'nobody@demo.opspath.test',
      invited,
      '/reset-password/',
      '/invitation/',
      'logged-new-password',
      ...messages.map((m) => m.subject),
    ];
    for (const secret of secrets) expect(log, secret).not.toContain(secret);
  });
});
