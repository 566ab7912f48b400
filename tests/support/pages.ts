// One page of each type, for the sweeps that check every page (the Nu HTML
// Checker, layout at phone and desktop widths): every public page type by
// hand (they are few and prerendered), and every page under src/pages/app
// found on disk (routes.ts), each reached by following links from the
// dashboard, so a new page is covered the day it is linked.
import { discoverRoutes } from './routes.ts';
import { previewPeopleImport } from '#server/people-import/index.ts';
import { openCycle } from '#server/reviews/index.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { queueOutboxMessage, serverDatabase, teamId, type Visitor } from './app.ts';
import { actorByEmail, TEST_CATALOG } from './db.ts';
import { testContext } from './context.ts';

/** One address per public page type, the 404 page included. */
export const PUBLIC_PAGES = [
  '/',
  '/roles/',
  '/roles/operations-manager/',
  '/compare/',
  '/compare/operations-assistant/operations-manager/',
  '/salaries/',
  '/certifications/',
  '/playbook/',
  '/self-check/',
  '/login',
  // Company sign-in's refusal page (the shared server has no OIDC_*: it says so, with a 404).
  '/auth/oidc/callback',
  '/forgot-password',
  // Without a link's cookie: the "open the link from your email" page.
  '/reset-password/',
  '/invitation/',
  '/confirm-email/',
  '/no-such-page/',
];

/** Every page pattern under src/pages/app, with a regular expression that matches its addresses. */
export const appPatterns = discoverRoutes(['app'])
  .filter((r) => r.kind === 'page')
  .map((r) => ({ pattern: r.pattern, regex: new RegExp(`^${r.pattern.replace(/\[[^\]]+\]/g, '[^/]+')}?$`) }));

/** One URL per app page pattern, following the links of each page from the dashboard. */
export async function samplesOfEveryAppPage(visitors: Visitor[]): Promise<Map<string, { path: string; visitor: Visitor }>> {
  // The admin outbox links to its messages only when there is one; the same for the people import's previews.
  const database = serverDatabase();
  try {
    await queueOutboxMessage(database, 'admin@demo.opspath.test');
    // The people import lists its previews, linking to one, only when there is one.
    const admin = await actorByEmail(database.db, 'admin@demo.opspath.test');
    const text =
      'email,name,role,team\nsample.import@demo.opspath.test,Sample Import,member,Warehouse Operations\nnot-an-email,Bad Row,member,\n';
    await previewPeopleImport(
      database.db,
      testContext(admin),
      { text, fileName: 'sample.csv', format: 'csv', options: { deactivateAbsent: false, invite: false } },
      TEST_CATALOG,
    );
    // Reviews and their cycle are linked from /app/reviews/ only once a cycle is open: one for one new hire.
    const manager = await actorByEmail(database.db, 'manager@demo.opspath.test');
    const reviewed = await actorByEmail(database.db, 'newhire@demo.opspath.test');
    const cycle = await openCycle(database.db, testContext(manager), loadCatalogsFromDisk().ladders, {
      name: 'Sample cycle',
      dueOn: '2099-12-31',
      teamIds: [await teamId(database, 'Warehouse Operations')],
      personIds: [reviewed.id],
    });
    if (!cycle.ok) throw new Error(cycle.message);
  } finally {
    database.close();
  }
  const samples = new Map<string, { path: string; visitor: Visitor }>();
  for (const visitor of visitors) {
    const seen = new Set<string>();
    const queue = ['/app/'];
    while (queue.length > 0 && seen.size < 400) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const pattern = appPatterns.find((p) => p.regex.test(path.split('?')[0]!))?.pattern;
      const res = await visitor.get(path);
      if (res.status !== 200 || !(res.headers.get('content-type') ?? '').startsWith('text/html')) continue;
      if (pattern && !samples.has(pattern)) samples.set(pattern, { path, visitor });
      for (const match of (await res.text()).matchAll(/href="(\/app\/[^"#?]*)"/g)) {
        if (!seen.has(match[1]!)) queue.push(match[1]!);
      }
    }
  }
  return samples;
}
