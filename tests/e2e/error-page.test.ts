// A page that fails while rendering answers 500 with the site's own error page
// (its layout and navigation), and the error goes to the server's log, never
// to the reader. The failure is a real one: the database loses the sessions
// table under a running server, so loading the signed-in user throws.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { prepareDatabase, signInCookie, startServer, tempDir, withDatabase, type Server } from '../support/processes.ts';
import { sql } from 'drizzle-orm';

const temp = tempDir('error-page');
const databaseUrl = `file:${join(temp.dir, 'app.db')}`;
let server: Server;

beforeAll(async () => {
  prepareDatabase(databaseUrl);
  server = await startServer(databaseUrl);
});
afterAll(async () => {
  await server?.stop();
  temp.remove();
});

describe('a page that fails', () => {
  it('answers 500 with the site’s error page and logs the error', async () => {
    const cookie = await signInCookie(server.base, 'manager@demo.opspath.test');
    expect((await fetch(`${server.base}/app/`, { headers: { cookie } })).status).toBe(200);
    await withDatabase(databaseUrl, (database) => database.db.run(sql`drop table sessions`));

    const res = await fetch(`${server.base}/app/`, { headers: { cookie } });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<title>Something went wrong · OpsPath</title>');
    expect(html).toMatch(/<nav class="site-nav" aria-label="Main">/);
    expect(html).not.toMatch(/no such table|SQLITE|at .+\.mjs:\d+/);
    expect(server.stderr() + server.stdout()).toMatch(/\[ERROR\][^\n]*Failed query: select "sessions"/);
  });
});
