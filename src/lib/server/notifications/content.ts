// Where the jobs find certification names. The web server sets the catalogs
// Astro bundled (useNotificationCatalogs); a job run from the command line or
// a test reads content/ from disk.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalogs } from '#catalog/catalogs.ts';
import { CONTENT_DIR, loadCatalogsFromDisk } from '#catalog/load-fs.ts';

let provider: (() => Promise<Catalogs> | Catalogs) | null = null;

/** Called once by whoever starts the scheduler in a process that has its own catalogs. */
export function useNotificationCatalogs(load: () => Promise<Catalogs> | Catalogs): void {
  provider = load;
}

export async function notificationCatalogs(): Promise<Catalogs> {
  if (provider) return provider();
  // Bundled into dist/, CONTENT_DIR no longer points at content/: the server runs from the project folder.
  return loadCatalogsFromDisk(existsSync(CONTENT_DIR) ? CONTENT_DIR : join(process.cwd(), 'content'));
}
