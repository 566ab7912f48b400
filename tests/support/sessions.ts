// A signed-in visitor without a trip through /login. Every browser test file
// signs in from 127.0.0.1, so sign-in posts share one per-IP allowance (30,
// then one every 2 s); files that need many signed-in people but do not test
// sign-in itself start their sessions in the server's database instead.
import { createSession, sessionCookieName } from '#server/auth/session.ts';
import type { Database } from '#server/db/client.ts';
import { Visitor } from './app.ts';

export async function visitorWithSession(database: Database, userId: number): Promise<Visitor> {
  const { token } = await createSession(database.db, userId);
  const visitor = new Visitor();
  visitor.cookie = `${sessionCookieName(false)}=${token}`;
  return visitor;
}
