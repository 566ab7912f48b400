// tests/support/routes.ts reads routes, form intents and endpoint methods from
// the sources the way the route sweep (tests/browser/route-sweep.test.ts)
// relies on: here on small sources of each shape, and on the real tree.
import { describe, expect, it } from 'vitest';
import { discoverRoutes, fillPattern, frontmatter, patternOf, readSource } from '../support/routes.ts';

describe('patternOf', () => {
  it.each([
    ['app/index.astro', '/app/', 'page', []],
    ['app/team/index.astro', '/app/team/', 'page', []],
    ['app/team/[id].astro', '/app/team/[id]/', 'page', ['id']],
    ['app/skills/me.astro', '/app/skills/me/', 'page', []],
    ['app/ramp/[planId]/print.astro', '/app/ramp/[planId]/print/', 'page', ['planId']],
    ['app/ramp/tasks/[taskId]/done.ts', '/app/ramp/tasks/[taskId]/done', 'endpoint', ['taskId']],
    ['app/skills/export.csv.ts', '/app/skills/export.csv', 'endpoint', []],
    ['calendar/[token].ics.ts', '/calendar/[token].ics', 'endpoint', ['token']],
    ['docs/[...slug].astro', '/docs/[...slug]/', 'page', ['slug']],
  ])('%s -> %s', (file, pattern, kind, params) => {
    expect(patternOf(file)).toEqual({ pattern, kind, params });
  });

  it('fills parameters, encoded, and refuses to leave one empty', () => {
    expect(fillPattern('/app/ramp/[planId]/print/', { planId: 7 })).toBe('/app/ramp/7/print/');
    expect(fillPattern('/calendar/[token].ics', { token: 'a b' })).toBe('/calendar/a%20b.ics');
    expect(() => fillPattern('/app/team/[id]/', {})).toThrow(/\[id\]/);
  });
});

describe('readSource', () => {
  it('reads the intents of pagePost’s define callback and its default intent', () => {
    const facts = readSource(`
      const post = await pagePost(Astro, ctx, (on) => ({
        add: on((form, ctx) => add(db, ctx, form), () => '/x/'),
        'rename-team': on(run, then),
        "quoted": on(run, then),
      }), { defaultIntent: 'add', allowed: canDo(user) });`);
    expect(facts).toMatchObject({ pagePost: true, intents: ['add', 'rename-team', 'quoted'], defaultIntent: 'add', unreadable: [] });
  });

  it('reads a define callback with a block body, and says what it cannot read', () => {
    expect(readSource(`await pagePost(Astro, ctx, function (on) { return { done: on(a, b) }; });`).intents).toEqual(['done']);
    const spread = readSource(`await pagePost(Astro, ctx, (on) => ({ ...shared(on), own: on(a, b) }));`);
    expect(spread.intents).toEqual(['own']);
    expect(spread.unreadable).toEqual([expect.stringContaining('...shared(on)')]);
    expect(readSource(`await pagePost(Astro, ctx, intents);`).unreadable).toEqual([expect.stringContaining('intents')]);
  });

  it('reads an endpoint’s methods from endpoint({…}) and from its exports', () => {
    expect(readSource(`export const { POST, ALL } = endpoint({ POST: jsonAction({ body, run }) });`)).toMatchObject({
      endpointHelper: true,
      methods: ['POST'],
    });
    expect(readSource(`export const { GET, HEAD, ALL } = endpoint({ GET: get });`).methods).toEqual(['GET', 'HEAD']);
    const bare = readSource(
      `export const GET: APIRoute = () => new Response(); export async function DELETE() {} const PUT = 1; export { PUT };`,
    );
    expect(bare).toMatchObject({ endpointHelper: false, methods: ['GET', 'PUT', 'DELETE'] });
  });

  it('finds nothing in a page without forms', () => {
    expect(readSource(`const user = Astro.locals.user; if (!user) return Astro.redirect('/login', 303);`)).toMatchObject({
      pagePost: false,
      intents: [],
      methods: [],
    });
  });

  it('takes an .astro file’s frontmatter only', () => {
    expect(frontmatter('---\nconst a = 1;\n---\n<p>{a}</p>\n')).toBe('const a = 1;');
    expect(frontmatter('<p>no frontmatter</p>')).toBe('');
  });
});

describe('discoverRoutes on this tree', () => {
  const routes = discoverRoutes();
  const route = (pattern: string) => routes.find((r) => r.pattern === pattern);

  it('finds the app’s pages and endpoints and the calendar feed, and skips _lib folders', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.every((r) => r.pattern.startsWith('/app/') || r.pattern.startsWith('/calendar/'))).toBe(true);
    expect(routes.some((r) => r.file.includes('/_'))).toBe(false);
    expect(routes.filter((r) => r.unreadable.length > 0)).toEqual([]);
  });

  it('reads intents, default intents, uploads and methods as the files declare them', () => {
    expect(route('/app/admin/')?.intents).toEqual(expect.arrayContaining(['create-team', 'rename-team', 'change-role']));
    expect(route('/app/team/')).toMatchObject({ defaultIntent: 'add', intents: ['add', 'activate', 'bulk'] });
    expect(route('/app/skills/import/')).toMatchObject({ multipart: true, defaultIntent: 'import' });
    expect(route('/app/skills/rating')).toMatchObject({ kind: 'endpoint', methods: ['POST'], endpointHelper: true });
    expect(route('/calendar/[token].ics')).toMatchObject({ params: ['token'], methods: ['GET', 'HEAD'] });
    expect(route('/app/team/[id]/')).toMatchObject({ params: ['id'], pagePost: true, methods: ['GET', 'HEAD', 'POST'] });
  });
});
