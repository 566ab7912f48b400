// Production server: static files from memory, everything else through Astro's
// node handler (middleware mode), with compression, security headers, a body
// size limit and graceful shutdown on SIGTERM/SIGINT.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import compression from 'compression';
import { loadStaticFiles, resolveStatic, sendStatic } from './static.mjs';
import { securityHeaders } from './headers.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const production = process.env.NODE_ENV === 'production';
const port = Number(process.env.PORT ?? 4321);
const host = process.env.HOST ?? '0.0.0.0';
/** Bytes; an endpoint that needs more (CSV import) is listed explicitly. */
const BODY_LIMIT = 1024 * 1024;
const BODY_LIMITS = [{ prefix: '/app/skills/import', limit: 5 * 1024 * 1024 }];
const SHUTDOWN_GRACE_MS = Number(process.env.SHUTDOWN_GRACE_MS ?? 25_000);

const { handler } = await import(join(root, 'dist/server/entry.mjs'));
const files = loadStaticFiles(join(root, 'dist/client'));
const htmlHeaders = securityHeaders({ production, html: true });
const assetHeaders = securityHeaders({ production, html: false });
const compress = compression({ threshold: 1024 });

function limitFor(pathname) {
  return BODY_LIMITS.find((b) => pathname.startsWith(b.prefix))?.limit ?? BODY_LIMIT;
}

function plain(res, status, message, headers = {}) {
  res.writeHead(status, { ...assetHeaders, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(message);
}

let inFlight = 0;
const server = http.createServer((req, res) => {
  inFlight++;
  res.on('close', () => inFlight--);
  let url;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return plain(res, 400, 'Bad request');
  }
  if ((req.method === 'GET' || req.method === 'HEAD') && !url.pathname.startsWith('/app')) {
    const key = resolveStatic(files, url.pathname);
    if (key) {
      const entry = files.get(key);
      return sendStatic(req, res, entry, entry.type.startsWith('text/html') ? htmlHeaders : assetHeaders);
    }
  }
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > limitFor(url.pathname)) {
    return plain(res, 413, `Request body too large: the limit is ${limitFor(url.pathname)} bytes.`, { Connection: 'close' });
  }
  for (const [k, v] of Object.entries(htmlHeaders)) res.setHeader(k, v);
  res.setHeader('Cache-Control', 'no-store');
  compress(req, res, () => {
    handler(req, res, () => plain(res, 404, 'Not found'));
  });
});
server.keepAliveTimeout = 5_000;
server.headersTimeout = 10_000;
server.requestTimeout = 60_000;

server.listen(port, host, () => {
  console.log(`OpsPath listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
});

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing ${inFlight} request(s), then closing`);
  const force = setTimeout(() => {
    console.error('shutdown grace period over; exiting with requests still open');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  server.close(async () => {
    for (const close of globalThis[Symbol.for('opspath.onShutdown')] ?? []) {
      try {
        await close();
      } catch (err) {
        console.error('shutdown hook failed', err);
      }
    }
    process.exit(0);
  });
  // Keep-alive sockets with no request in flight would hold close() open.
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  idle.unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
