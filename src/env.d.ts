/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The signed-in user (never the password hash), or null. Set by src/middleware.ts on on-demand requests only. */
    user: import('./lib/server/session.ts').SessionUser | null;
    /** The current session, or null. */
    session: import('./lib/server/db/schema.ts').Session | null;
  }
}
