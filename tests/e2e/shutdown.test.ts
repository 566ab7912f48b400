// SIGTERM while a request is still arriving: the server stops accepting new
// connections, finishes the request in flight, then exits cleanly.
import { describe, it, expect, inject } from 'vitest';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, waitForServer } from '../support/global-setup.ts';

const root = join(import.meta.dirname, '..', '..');

describe('graceful shutdown', () => {
  it('lets a slow request finish after SIGTERM, then refuses new connections and exits 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['src/server/server.mjs'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: inject('databaseUrl'), NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await waitForServer(`http://127.0.0.1:${port}/`, child);

    // A POST whose body trickles in: the request is in flight while we signal.
    const body = 'email=nobody%40example.test&password=not-the-password';
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (d) => (response += d.toString()));
    const closed = new Promise((r) => socket.on('close', r));
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    socket.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 700));

    // While draining, new connections are refused.
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();

    socket.write(body.slice(10));
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 (200|303|400|401|429)/);
    expect(await exited).toBe(0);
  });
});
