// Liveness and readiness for load balancers: 200 when the database answers
// `select 1`, 503 otherwise. Says nothing else about the system.
import type { APIRoute } from 'astro';
import { endpoint } from '#server/request/endpoint.ts';
import { getDb, pingDatabase } from '#server/db/client.ts';

export const prerender = false;

const TIMEOUT_MS = 2000;

const get: APIRoute = async () => {
  const headers = { 'Cache-Control': 'no-store' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // A remote libSQL server can hang rather than fail; a health check must answer quickly either way.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('database timeout')), TIMEOUT_MS);
    });
    await Promise.race([pingDatabase(getDb()), timeout]);
    return Response.json({ status: 'ok', database: 'ok' }, { headers });
  } catch {
    return Response.json({ status: 'unavailable', database: 'unreachable' }, { status: 503, headers });
  } finally {
    clearTimeout(timer);
  }
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
