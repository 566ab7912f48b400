// @ts-check
// The web process: static files from memory, everything else through Astro's
// node handler (middleware mode), with compression, security headers, a body
// size limit and graceful shutdown on SIGTERM/SIGINT. Run alone, or as one of
// several cluster workers (src/http/supervisor.mjs) sharing one port.
import http from 'node:http';
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import compression from 'compression';
import { loadStaticFiles, resolveStatic, sendStatic } from './static.mjs';
import { securityHeaders, UNSUPPORTED_METHODS, withFrameAncestors } from './headers.mjs';

/** @typedef {import('#server/env.ts').Env} Env */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/**
 * A request whose body was read here: Astro's node handler reads `body` instead of the stream.
 * @typedef {IncomingMessage & { body?: Buffer }} RequestWithBody
 */
/** @typedef {import('./static.mjs').StaticEntry} StaticEntry */
/**
 * What the built entry (dist/server/entry.mjs, the node adapter in middleware mode) exports.
 * @typedef {{ handler: typeof import('@astrojs/node/server.js').handler }} AstroEntry
 */
/**
 * Closers registered under Symbol.for('opspath.onShutdown') (src/lib/server/db/client.ts).
 * @typedef {{ [key: symbol]: Array<() => unknown> | undefined }} ShutdownRegistry
 */
/**
 * compression() as used here, on plain Node requests: its types describe an Express handler, but the
 * middleware needs only Node's request and response (it is Connect middleware).
 * @typedef {(req: IncomingMessage, res: ServerResponse, next: () => void) => void} NodeMiddleware
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts listening with a parsed configuration (src/lib/server/env.ts).
 * @param {Env} config
 * @returns {Promise<void>}
 */
export async function serve(config) {
  const production = config.NODE_ENV === 'production';
  const port = config.PORT;
  const host = config.HOST;
  /** Bytes; an endpoint that needs more (CSV import) is listed explicitly. */
  const BODY_LIMIT = 1024 * 1024;
  const BODY_LIMITS = [
    { path: '/app/skills/import', limit: 5 * 1024 * 1024 },
    // The people import takes files up to 20 MB (MAX_PEOPLE_IMPORT_BYTES); the pages say so themselves above it.
    { path: '/app/admin/import', limit: 21 * 1024 * 1024 },
    { path: '/app/admin/import/people.json', limit: 21 * 1024 * 1024 },
  ];
  const SHUTDOWN_GRACE_MS = config.SHUTDOWN_GRACE_MS;

  const { handler } = /** @type {AstroEntry} */ (await import(join(root, 'dist/server/entry.mjs')));
  const files = loadStaticFiles(join(root, 'dist/client'));
  const htmlHeaders = securityHeaders({ production, html: true });
  const assetHeaders = securityHeaders({ production, html: false });
  const compress = /** @type {NodeMiddleware} */ (compression({ threshold: 1024 }));

  /**
   * @param {string} pathname
   * @returns {number}
   */
  function limitFor(pathname) {
    // The page itself, with or without its trailing slash: /app/skills/importer gets the ordinary limit.
    return BODY_LIMITS.find((b) => pathname === b.path || pathname === `${b.path}/`)?.limit ?? BODY_LIMIT;
  }

  /**
   * @param {ServerResponse} res
   * @param {number} status
   * @param {string} message
   * @param {Record<string, string>} [headers]
   * @returns {void}
   */
  function plain(res, status, message, headers = {}) {
    res.writeHead(status, { ...assetHeaders, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
    res.end(message);
  }

  /** The prerendered error pages answer only with their own status, never as /404/ with 200. */
  const ERROR_PAGES = new Set(['/404.html', '/500.html']);
  const notFoundPage = files.get('/404.html');

  /**
   * No page or file has this address: the site's 404 page (with its navigation), or plain text if the build has none.
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @returns {void}
   */
  function notFound(req, res) {
    if (notFoundPage) return sendStatic(req, res, notFoundPage, htmlHeaders, 404);
    plain(res, 404, 'Not found');
  }

  /** After refusing a body, at most this much more of it is read (and dropped) before the connection is cut. */
  const DRAIN_LIMIT = 8 * 1024 * 1024;

  /**
   * Answers 413 to a body over the limit. The client may still be sending it:
   * closing the connection now would make the kernel reset it (unread data), and
   * the client would report a broken connection instead of this answer. So the
   * answer is sent at once but finished only when the rest of the body has been
   * read and dropped; past DRAIN_LIMIT more bytes the connection is cut.
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {number} limit
   * @returns {void}
   */
  function refuseBody(req, res, limit) {
    const message = `Request body too large: the limit is ${limit} bytes.`;
    res.writeHead(413, {
      ...assetHeaders,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(message),
      Connection: 'close',
    });
    res.write(message);
    let drained = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      drained += chunk.length;
      if (drained > DRAIN_LIMIT) req.socket.destroy();
    });
    req.on('end', () => res.end());
    if (req.readableEnded) res.end();
    else req.resume();
  }

  /**
   * A body without a Content-Length (chunked) cannot be checked up front: read
   * it, counting bytes as they arrive, and stop at the limit. Resolves to the
   * body, or null once it passes `limit` (the rest is left unread).
   * @param {IncomingMessage} req
   * @param {number} limit
   * @returns {Promise<Buffer | null>}
   */
  function readBodyUpTo(req, limit) {
    return new Promise((resolve, reject) => {
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      /**
       * @param {Buffer | null} value
       * @param {Error} [error]
       */
      const done = (value, error) => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
        if (error) reject(error);
        else resolve(value);
      };
      /** @param {Buffer} chunk */
      const onData = (chunk) => {
        size += chunk.length;
        if (size > limit) {
          req.pause();
          return done(null);
        }
        chunks.push(chunk);
      };
      const onEnd = () => done(Buffer.concat(chunks, size));
      /** @param {Error} error */
      const onError = (error) => done(null, error);
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
    });
  }

  let inFlight = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    res.on('close', () => inFlight--);
    let url;
    try {
      // The request target is a path: resolved against a base, "//app/x" would
      // read as host "app" and path "/x" (and serve the public page /x).
      const target = req.url ?? '/';
      url = new URL(target.startsWith('/') ? `http://localhost${target}` : target, 'http://localhost');
    } catch {
      return plain(res, 400, 'Bad request');
    }
    if (UNSUPPORTED_METHODS.has((req.method ?? '').toUpperCase())) return plain(res, 501, 'Not implemented');
    // Astro injects an image endpoint that nothing here uses (no image service): it stays closed.
    if (url.pathname === '/_image' || url.pathname.startsWith('/_image/')) return plain(res, 404, 'Not found');
    if ((req.method === 'GET' || req.method === 'HEAD') && !url.pathname.startsWith('/app')) {
      const key = resolveStatic(files, url.pathname);
      if (key && !ERROR_PAGES.has(key)) {
        // resolveStatic returns only keys of the map.
        const entry = /** @type {StaticEntry} */ (files.get(key));
        return sendStatic(req, res, entry, entry.type.startsWith('text/html') ? htmlHeaders : assetHeaders);
      }
    }
    const limit = limitFor(url.pathname);
    if (Number(req.headers['content-length'] ?? 0) > limit) return refuseBody(req, res, limit);
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] !== undefined) {
      readBodyUpTo(req, limit).then(
        (body) => {
          if (body === null) return refuseBody(req, res, limit);
          // Astro's node handler reads a body set here instead of the (now consumed) stream.
          /** @type {RequestWithBody} */ (req).body = body;
          render(req, res);
        },
        () => req.destroy(),
      );
      return;
    }
    render(req, res);
  });

  /**
   * @param {RequestWithBody} req
   * @param {ServerResponse} res
   * @returns {void}
   */
  function render(req, res) {
    for (const [k, v] of Object.entries(htmlHeaders)) res.setHeader(k, v);
    res.setHeader('Cache-Control', 'no-store');
    compress(req, res, () => {
      keepFrameAncestors(res);
      handler(req, res, () => notFound(req, res));
    });
  }

  /**
   * Astro's node handler writes its own Content-Security-Policy through
   * writeHead, replacing the server's; this puts frame-ancestors back into it.
   * @param {ServerResponse} res
   * @returns {void}
   */
  function keepFrameAncestors(res) {
    const writeHead = res.writeHead;
    /** @type {(...args: any[]) => ServerResponse} */
    const patched = function (/** @type {any[]} */ ...args) {
      const headers = args.find((a, i) => i > 0 && a && typeof a === 'object' && !Array.isArray(a));
      if (headers) {
        for (const key of Object.keys(headers)) {
          if (key.toLowerCase() === 'content-security-policy') headers[key] = withFrameAncestors(String(headers[key]));
        }
      }
      const current = res.getHeader('content-security-policy');
      if (typeof current === 'string') res.setHeader('Content-Security-Policy', withFrameAncestors(current));
      return writeHead.apply(res, /** @type {any} */ (args));
    };
    res.writeHead = /** @type {typeof res.writeHead} */ (patched);
  }
  // Longer than the 60 s idle timeout of common proxies and load balancers, so the side that
  // reuses an idle connection is never the one surprised by its close (the 502 / "other side
  // closed" race). SIGTERM still closes idle connections at once (shutdown below).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;

  server.listen(port, host, () => {
    // A cluster worker stays quiet: the supervisor announces the port once for all of them.
    if (!cluster.isWorker) console.log(`OpsPath listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
  });

  let stopping = false;
  /** @param {NodeJS.Signals} signal */
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
      for (const close of /** @type {ShutdownRegistry} */ (globalThis)[Symbol.for('opspath.onShutdown')] ?? []) {
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
}
