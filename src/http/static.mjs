// @ts-check
// Serves the built client folder (prerendered pages and hashed assets) from
// memory, compressed once at start-up. Prerendered guides are the bulk of
// traffic; answering them without touching Astro keeps them near bare-Node speed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, extname, relative, sep } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { createHash } from 'node:crypto';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/**
 * One file of the client folder, with its compressed forms when it is worth compressing.
 * @typedef {{ type: string, body: Buffer, br?: Buffer, gzip?: Buffer, etag: string, immutable: boolean }} StaticEntry
 */
/** @typedef {Map<string, StaticEntry>} StaticFiles */

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.css', '.js', '.mjs', '.json', '.svg', '.txt', '.xml', '.webmanifest']);

/**
 * @param {string} dir
 * @returns {Generator<string, void, undefined>}
 */
function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}

/**
 * @param {string} clientDir
 * @returns {StaticFiles}
 */
export function loadStaticFiles(clientDir) {
  /** @type {StaticFiles} */
  const files = new Map();
  for (const full of walk(clientDir)) {
    const rel = '/' + relative(clientDir, full).split(sep).join('/');
    const ext = extname(full);
    const body = readFileSync(full);
    /** @type {StaticEntry} */
    const entry = {
      type: TYPES[ext] ?? 'application/octet-stream',
      body,
      etag: '"' + createHash('sha1').update(body).digest('base64url').slice(0, 20) + '"',
      immutable: rel.startsWith('/_astro/'),
    };
    if (COMPRESSIBLE.has(ext) && body.length > 512) {
      entry.br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
      entry.gzip = gzipSync(body, { level: 9 });
    }
    files.set(rel, entry);
  }
  return files;
}

/**
 * Maps a request path to a key of the static map, or undefined.
 * @param {StaticFiles} files
 * @param {string} pathname
 * @returns {string | undefined}
 */
export function resolveStatic(files, pathname) {
  let path;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('..')) return undefined;
  if (files.has(path) && !path.endsWith('/')) return path;
  const dir = path.endsWith('/') ? path : path + '/';
  if (files.has(dir + 'index.html')) return dir + 'index.html';
  if (files.has(path + '.html')) return path + '.html';
  return undefined;
}

/**
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {StaticEntry} entry
 * @param {Record<string, string>} extraHeaders
 * @param {number} [status] 200, or the status of an error page sent in place of what was asked for (never cached)
 * @returns {void}
 */
export function sendStatic(req, res, entry, extraHeaders, status = 200) {
  /** @type {Record<string, string | number>} */
  const headers = {
    ...extraHeaders,
    'Content-Type': entry.type,
    ETag: entry.etag,
    'Cache-Control':
      status !== 200 ? 'no-store' : entry.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate',
    Vary: 'Accept-Encoding',
  };
  if (status !== 200) delete headers.ETag;
  else if (req.headers['if-none-match'] === entry.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const accept = String(req.headers['accept-encoding'] ?? '');
  let body = entry.body;
  if (entry.br && /\bbr\b/.test(accept)) {
    body = entry.br;
    headers['Content-Encoding'] = 'br';
  } else if (entry.gzip && /\bgzip\b/.test(accept)) {
    body = entry.gzip;
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = body.length;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
