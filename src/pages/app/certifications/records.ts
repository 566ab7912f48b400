// POST /app/certifications/records: the certification dialog (CertTracker
// island on /app/certifications/me/) adds or renews one of the signed-in
// person's own records as JSON. Body: { "intent": "add" | "renew",
// "recordId" (renew), and the form's fields as strings: certificationId and
// status (add), earnedOn, expiresOn, credentialId, verificationUrl, note }.
// The same actions and rules as the page's forms (addRecord, renewRecord:
// 403 for someone who keeps no certifications, 404 for a record that is not
// theirs, 400 with the form's field errors, nothing stored); answers the saved
// record and the certification's state after the change.
import { z } from 'zod';
import { catalogs } from '#catalog/load.ts';
import { getDb } from '#server/db/client.ts';
import { endpoint, jsonAction } from '#server/request/endpoint.ts';
import { addRecord, ownCertificationsView, renewRecord } from '#server/certifications/index.ts';
import { ok } from '#server/outcome.ts';

export const prerender = false;

const field = z.string().max(2_000).optional();
const body = z.object({
  intent: z.enum(['add', 'renew'], { error: 'Send "intent": "add" or "renew".' }),
  recordId: z.union([z.string().max(20), z.number()]).optional(),
  certificationId: field,
  status: field,
  earnedOn: field,
  expiresOn: field,
  credentialId: field,
  verificationUrl: field,
  note: field,
});

export const { POST, ALL } = endpoint({
  POST: jsonAction({
    body,
    run: async ({ intent, recordId, ...rest }, ctx, context) => {
      const { certifications: content } = await catalogs();
      // The form's values are strings; a field left out stays out (a renewal without credentialId keeps the old one).
      const form = Object.fromEntries(Object.entries(rest).filter((e): e is [string, string] => e[1] !== undefined));
      const db = getDb();
      const saved =
        intent === 'add'
          ? await addRecord(db, ctx, form, content)
          : await renewRecord(db, ctx, recordId === undefined ? undefined : String(recordId), form, content);
      if (!saved.ok) return saved;
      const record = saved.value;
      // The certification's state as the page would now show it (the signed-in person's own view).
      const own = await ownCertificationsView(db, context.locals.user!, content, ctx.today);
      const group = own.ok ? own.value.groups.find((g) => g.entry.id === record.certificationId) : undefined;
      return ok({
        record: {
          id: record.id,
          certificationId: record.certificationId,
          status: record.status,
          earnedOn: record.earnedOn,
          expiresOn: record.expiresOn,
          expirySource: record.expirySource,
          // As stored (trimmed, empty as null): the row shows these, not what was typed.
          credentialId: record.credentialId,
          verificationUrl: record.verificationUrl,
          renewsRecordId: record.renewsRecordId,
        },
        state: group
          ? {
              state: group.status.state,
              expiresOn: group.status.expiresOn,
              daysLeft: group.status.daysLeft,
              currentId: group.status.current?.id ?? null,
            }
          : null,
      });
    },
  }),
});
