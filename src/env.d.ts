/// <reference types="astro/client" />
// A script (not a module), so the types come in with import() types.
/* eslint-disable @typescript-eslint/consistent-type-imports */

declare namespace App {
  interface Locals {
    /** The signed-in user (never the password hash), or null. Set by src/middleware.ts on on-demand requests only. */
    user: import('./lib/server/auth/session.ts').SignedInUser | null;
    /** The current session, or null. */
    session: import('./lib/server/db/schema.ts').Session | null;
  }
}
