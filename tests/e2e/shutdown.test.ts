// SIGTERM while a request is still arriving: the server stops accepting new
// connections, finishes the request in flight, then exits cleanly; alone and
// as a cluster of workers (WEB_CONCURRENCY), where the primary passes the
// signal on. A cluster also replaces a worker that dies.
import { describe, it, expect, inject } from 'vitest';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { freePort, waitForServer } from '../support/global-setup.ts';
import { postFormRaw, root, serverEnv } from '../support/processes.ts';

/** The production server on the shared test database, as a primary with this many workers. */
const spawnServer = (port: number, workers: number) =>
  spawn(process.execPath, ['src/http/server.mjs'], {
    cwd: root,
    env: serverEnv(inject('databaseUrl'), { PORT: String(port), WEB_CONCURRENCY: String(workers) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });

async function startServer(workers: number) {
  const port = await freePort();
  const child = spawnServer(port, workers);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await waitForServer(`http://127.0.0.1:${port}/`, child);
  // One worker may answer before the other listens: wait for the primary's announcement.
  if (workers > 1) await until(() => (output.includes(`(${workers} worker processes)`) ? true : undefined));
  return { port, child, exited, output: () => output };
}

/** Child process ids (Linux /proc). */
const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

/** Polls a condition the processes under test make true (their output, their children, a refused connection). */
async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once a fresh TCP connection to the port is refused (no pooled keep-alive connection can hide it). */
const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', () => resolve(true));
  });

describe.each([1, 2])('graceful shutdown, WEB_CONCURRENCY=%i', (workers) => {
  it('lets a slow request finish after SIGTERM, then refuses new connections and exits 0', async () => {
    const { port, child, exited, output } = await startServer(workers);
    if (workers > 1) await until(() => (childrenOf(child.pid!).length === workers ? true : undefined));

    // A POST whose body trickles in: the request is in flight while we signal.
    // Expect: 100-continue makes the server say when it has the request (its
    // "100 Continue"), so the test waits on that instead of a fixed delay.
    const body = 'email=nobody%40example.test&password=not-the-password';
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (d) => (response += d.toString()));
    const closed = new Promise((r) => socket.on('close', r));
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
    );
    await until(() => (response.startsWith('HTTP/1.1 100 Continue') ? true : undefined));
    socket.write(body.slice(0, 10));
    child.kill('SIGTERM');

    // Every process says it is draining, and then new connections are refused.
    const draining = () => output().match(/SIGTERM: finishing \d+ request\(s\)/g)?.length ?? 0;
    await until(() => (draining() >= workers ? true : undefined));
    let isRefused = false;
    await until(async () => (isRefused = await refused(port)) || undefined);
    expect(isRefused).toBe(true);
    expect(child.exitCode).toBeNull();

    socket.write(body.slice(10));
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 (200|303|400|401|429)/);
    expect(await exited).toBe(0);
  });
});

describe('cluster', () => {
  it('replaces a worker that dies and keeps answering', async () => {
    const { port, child, exited, output } = await startServer(2);
    const first = await until(() => {
      const ids = childrenOf(child.pid!);
      return ids.length === 2 ? ids : undefined;
    });
    process.kill(first[0]!, 'SIGKILL');
    const next = await until(() => {
      const ids = childrenOf(child.pid!);
      return ids.length === 2 && !ids.includes(first[0]!) ? ids : undefined;
    });
    expect(next).toContain(first[1]);
    const replacement = next.find((pid) => pid !== first[1])!;
    await until(() => (output().includes(`worker ${replacement} listening in place of ${first[0]}`) ? true : undefined));
    for (let i = 0; i < 6; i++) expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(output()).toMatch(/exited \(signal SIGKILL\); starting a replacement/);
    child.kill('SIGTERM');
    const code = await exited;
    expect(code, output()).toBe(0);
    // Every worker is gone with the primary.
    for (const pid of next) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('throttles sign-in for an account across workers: the sixth wrong password is refused whichever worker takes it', async () => {
    const { port, child, exited } = await startServer(2);
    await until(() => (childrenOf(child.pid!).length === 2 ? true : undefined));
    const email = `cluster-throttle-${Date.now()}@example.test`;
    const body = new URLSearchParams({ email, password: 'not-the-password' }).toString();
    // A new connection each time (agent: false), so the primary hands attempts to both workers.
    const attempt = () =>
      postFormRaw({ host: '127.0.0.1', port, path: '/login', agent: false }, body, { origin: `http://127.0.0.1:${port}` });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push(await attempt());
    expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('stops with exit code 1 when its workers cannot listen (the port is taken)', async () => {
    const { port, child, exited } = await startServer(1);
    const second = spawnServer(port, 2);
    let errors = '';
    second.stderr!.on('data', (d) => (errors += d));
    const code = await new Promise<number | null>((r) => second.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(errors).toMatch(/failed to start/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
