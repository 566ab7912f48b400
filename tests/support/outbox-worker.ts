// A delivery worker process for tests/e2e/outbox-faults.test.ts: the real
// deliverDue, one message per claim, until nothing is due; then it exits.
// CLOCK_OFFSET_MS moves its clock forward, so a worker started after a
// killed one sees that one's claims lapsed without the test waiting for them.
import { openDatabase } from '#server/db/client.ts';
import { deliverDue, mailTransport } from '#server/outbox/delivery.ts';

const offset = Number(process.env.CLOCK_OFFSET_MS ?? 0);
const database = openDatabase({ url: process.env.DATABASE_URL! });
const transport = mailTransport({ SMTP_URL: process.env.SMTP_URL })!;
for (;;) {
  const report = await deliverDue({ db: database.db, transport, now: new Date(Date.now() + offset), limit: 1, log: null });
  if (report.claimed === 0) break;
}
transport.close?.();
database.close();
