// Proves the deployment the README describes, the way an operator runs it:
// copy what ships (dist/, drizzle/, content/, src/, package files) to a fresh
// folder, `npm ci --omit=dev` (no devDependencies: not vitest, not the `node`
// devDependency), migrate a new database, create the first admin with the
// CLI, start the production server, sign in, create a team, a person, a ramp
// plan and a calendar feed through the real forms, and open every page type
// under /app/ (and every JSON endpoint and feed). A page type nobody opens
// here fails the check, so a new page is covered without editing a list.
// Runs with the Node that runs it (the project's Node 24 under `npm run`).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'opspath-production-'));
const started = Date.now();
const step = (what) => console.log(`production-install: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
let server;

function fail(message) {
  console.error(`production-install: FAILED: ${message}`);
  server?.kill('SIGKILL');
  process.exit(1);
}

function run(command, args, env = {}) {
  const r = spawnSync(command, args, { cwd: work, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) fail(`${command} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

try {
  for (const part of ['package.json', 'package-lock.json', 'dist', 'drizzle', 'content', 'src'])
    cpSync(join(root, part), join(work, part), { recursive: true });
  step('copied dist/, drizzle/, content/, src/ and the package files');
  run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund']);
  step('npm ci --omit=dev');

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: `file:${join(work, 'data', 'opspath.db')}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    // The production server refuses to start without it (device cookies, docs/decisions/018).
    DEVICE_COOKIE_SECRET: randomBytes(32).toString('base64'),
  };
  const node = process.execPath;
  console.log(run(node, ['src/cli/migrate.ts'], env).trim());
  const password = 'first-admin-password-1';
  console.log(
    run(node, ['src/cli/admin-create.ts', '--email', 'admin@example.test', '--name', 'First Admin', '--org', 'Acme Operations'], {
      ...env,
      OPSPATH_ADMIN_PASSWORD: password,
    }).trim(),
  );
  step('migrated a new database and created the first admin');

  server = spawn(node, ['src/http/server.mjs'], { cwd: work, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
  for (;;) {
    if (server.exitCode !== null) fail(`the server exited with ${server.exitCode}\n${log}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  step('the production server answers /healthz');

  let cookie = '';
  const request = async (path, init = {}) => {
    const res = await fetch(base + path, { redirect: 'manual', ...init, headers: { origin: base, cookie, ...(init.headers ?? {}) } });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]);
    if (set.length) cookie = set.join('; ');
    return { res, body: await res.text() };
  };
  const post = (path, fields) =>
    request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const postJson = (path, body) =>
    request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const signIn = await post('/login', { email: 'admin@example.test', password, next: '/app/' });
  if (signIn.res.status !== 303 || !cookie.includes('__Host-')) fail(`sign-in answered ${signIn.res.status} with cookie "${cookie}"`);
  step('signed in (a __Host- session cookie, as production sets it)');

  // Data through the real forms, so every page type has something to show.
  const created = await post('/app/admin/', { intent: 'create-team', name: 'Warehouse Operations', managerUserId: '' });
  if (created.res.status !== 303) fail(`creating a team answered ${created.res.status}`);
  const teamPage = await request('/app/team/');
  const teamId = /name="teamId"[\s\S]*?<option value="(\d+)"/.exec(teamPage.body)?.[1];
  if (!teamId) fail('the people page offers no team to add a person to');
  const added = await post('/app/team/', {
    teamId,
    displayName: 'Nina Patel',
    email: 'nina.patel@example.test',
    position: /name="position"[\s\S]*?<option value="([^"]+)"/.exec(teamPage.body)?.[1] ?? '',
    startDate: new Date().toISOString().slice(0, 10),
    role: 'member',
    passwordMode: 'generate',
  });
  if (added.res.status !== 200 || !added.body.includes('can now sign in with this password'))
    fail(`adding a person answered ${added.res.status}`);
  const peoplePage = (await request('/app/team/')).body;
  const personId = /href="\/app\/team\/(\d+)\/"[^>]*>\s*Nina Patel/.exec(peoplePage)?.[1];
  const ramp = await request('/app/ramp/');
  const candidate = /name="personId"[\s\S]*?<option value="(\d+)"/.exec(ramp.body)?.[1];
  const started = await post('/app/ramp/', { intent: 'start', personId: candidate ?? '', templateRole: '', startDate: '' });
  const planId = /\/app\/ramp\/(\d+)\//.exec(started.res.headers.get('location') ?? '')?.[1];
  if (!personId || !planId)
    fail(`could not find the new person (${personId}) or start a plan (${started.res.status} ${started.res.headers.get('location')})`);
  const plan = await request(`/app/ramp/${planId}/`);
  const taskId = /id="task-(\d+)"/.exec(plan.body)?.[1];
  const feed = await post('/app/certifications/me/', { intent: 'feed-create' });
  const token = /\/calendar\/([a-z2-7]{24}-[a-z2-7]{24})\.ics/.exec(feed.body)?.[1];
  if (!taskId || !token) fail(`no task on the new plan (${taskId}) or no feed token (${feed.res.status})`);
  step('created a team, a person, a ramp plan and a calendar feed through the forms');

  // A message in the outbox (no SMTP_URL: it waits there) and a stored people import, so their pages have an id.
  const reset = await post('/forgot-password', { email: 'nina.patel@example.test' });
  if (reset.res.status !== 303) fail(`asking for a reset answered ${reset.res.status}`);
  const messageId = /href="\/app\/admin\/outbox\/(\d+)\/"/.exec((await request('/app/admin/outbox/')).body)?.[1];
  const today = new Date().toISOString().slice(0, 10);
  const people = [
    {
      email: 'omar.ionescu@example.test',
      name: 'Omar Ionescu',
      role: 'member',
      job_role: '',
      tier: '',
      start_date: today,
      team: 'Warehouse Operations',
      manages: '',
    },
  ];
  const imported = await postJson('/app/admin/import/people.json', { people });
  const importId = imported.res.status === 200 ? String(JSON.parse(imported.body).id ?? '') : '';
  if (!messageId || !importId)
    fail(`no message in the outbox (${messageId}) or no stored import (${imported.res.status} ${imported.body.slice(0, 300)})`);
  step('queued a reset message and stored a people import preview');

  // A review cycle for the team, so the cycle and review pages have ids.
  const opened = await post('/app/reviews/', { intent: 'open-cycle', name: 'Spring review', dueOn: '2099-12-31', teamId });
  const cycleId = /\/app\/reviews\/cycles\/(\d+)\//.exec(opened.res.headers.get('location') ?? '')?.[1];
  const reviewId = cycleId
    ? /href="\/app\/reviews\/(\d+)\/"/.exec((await request(`/app/reviews/cycles/${cycleId}/`)).body)?.[1]
    : undefined;
  if (!cycleId || !reviewId) fail(`opening a review cycle answered ${opened.res.status} (cycle ${cycleId}, review ${reviewId})`);
  step('opened a review cycle for the team');

  const ids = { id: personId, planId, taskId, token, messageId, importId, cycleId, reviewId, teamId };
  const fill = (route) => route.replace(/\[(\w+)\]/g, (_, name) => ids[name] ?? fail(`no value for [${name}] in ${route}`));
  const routeOf = (file) =>
    '/' +
    relative(join(root, 'src', 'pages'), file)
      .split(sep)
      .join('/')
      .replace(/\/index\.astro$/, '/')
      .replace(/\.astro$/, '')
      .replace(/\.ts$/, '');
  const routes = [
    ...readdirSync(join(root, 'src', 'pages', 'app'), { recursive: true }),
    ...readdirSync(join(root, 'src', 'pages', 'calendar'), { recursive: true }).map((f) => join('..', 'calendar', String(f))),
  ]
    .map(String)
    .filter((f) => /\.(astro|ts)$/.test(f) && !f.split(sep).some((part) => part.startsWith('_')))
    .map((f) => routeOf(join(root, 'src', 'pages', 'app', f)));

  const checked = [];
  for (const route of routes) {
    const path = fill(route);
    let res;
    let body;
    if (route.endsWith('/done')) ({ res, body } = await postJson(path, { done: true }));
    else if (route.endsWith('/update'))
      ({ res, body } = await postJson(path, { planId: Number(planId), title: 'Read the handbook', owner: 'new-hire', dueDay: '5' }));
    else if (route.endsWith('/people.json')) ({ res, body } = await postJson(path, { people }));
    else if (route.endsWith('/certifications/records'))
      ({ res, body } = await postJson(path, { intent: 'add', certificationId: 'pmi-pmp', status: 'planned' }));
    else if (route.endsWith('/rating'))
      ({ res, body } = await postJson(path, { personId: Number(personId), skillId: 'spreadsheets', level: 2 }));
    // The matrix popover's read names its skill; without one it answers 400 by design.
    else if (route.endsWith('/cell')) ({ res, body } = await request(`${path}?skill=spreadsheets`));
    else ({ res, body } = await request(path));
    const type = res.headers.get('content-type') ?? '';
    // A stored message's HTML (outbox/[messageId]/html) is the email itself, which has no <main>.
    const page = type.includes('text/html') && !route.endsWith('/html');
    const fine = res.status === 200 && (page ? body.includes('<main') : body.length > 0);
    if (!fine) fail(`${path} answered ${res.status} ${type}\n${body.slice(0, 400)}\n${log.slice(-2000)}`);
    checked.push(`${path} ${res.status}`);
  }
  step(`opened every route under /app/ and /calendar/ (${checked.length}): ${checked.join(', ')}`);

  server.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) fail(`the server exited with ${code} after SIGTERM\n${log}`);
  step('SIGTERM: the server finished and exited 0');
} finally {
  server?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
