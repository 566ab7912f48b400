// GET /app/admin/audit/export.csv: the audit log with the page's filters, in
// the same words as the page, separated and dated as the organisation's
// spreadsheets expect. Admins only (auditLogExport refuses anyone else).
import type { APIRoute } from 'astro';
import { catalogs } from '#catalog/load.ts';
import { auditActor, auditKindOf, auditSubject, AUDIT_KIND_LABELS, describeAuditEvent, type AuditLabels } from '#domain/audit-events.ts';
import { localDate, localTime, organisationToday } from '#domain/calendar.ts';
import { toCsv } from '#domain/csv.ts';
import { describePosition } from '#domain/job-roles.ts';
import { writeSpreadsheetDate } from '#domain/spreadsheet-locale.ts';
import { auditLogExport } from '#server/audit/index.ts';
import { getDb } from '#server/db/client.ts';
import { organisationSpreadsheetLocale } from '#server/organisation/index.ts';
import { csvDownload, endpoint, plainText as text } from '#server/request/endpoint.ts';
import { isInputRefusal } from '#server/outcome.ts';

export const prerender = false;

const KEYS = ['person', 'personName', 'actor', 'actorName', 'kind', 'from', 'to'] as const;

const get: APIRoute = async (context) => {
  const user = context.locals.user;
  if (!user) return text(401, 'Sign in to export the audit log.');
  const query = Object.fromEntries(KEYS.map((k) => [k, context.url.searchParams.get(k) || undefined]));
  const result = await auditLogExport(getDb(), user, query, user.timeZone);
  if (!result.ok) {
    if (result.status === 403) return text(403, 'Only admins can export the audit log.');
    return text(result.status, isInputRefusal(result) ? (Object.values(result.fieldErrors)[0] ?? result.message) : result.message);
  }
  const { jobRoles, skills } = await catalogs();
  const labels: AuditLabels = {
    position: (jobRole, tier) => describePosition(jobRoles, jobRole, tier),
    skills: new Map([...skills].map(([id, s]) => [id, s.name])),
  };
  const locale = await organisationSpreadsheetLocale(getDb(), user);
  const rows = [
    ['Date', 'Time', 'Who', 'What', 'About', 'Kind'],
    ...result.value.rows.map((r) => {
      const at = new Date(r.at);
      return [
        writeSpreadsheetDate(localDate(at, user.timeZone), locale),
        localTime(at, user.timeZone),
        auditActor(r, r.actorName),
        describeAuditEvent(r, labels),
        auditSubject(r),
        AUDIT_KIND_LABELS[auditKindOf(r.action)],
      ];
    }),
  ];
  // The byte-order mark makes spreadsheet programs read UTF-8 names correctly.
  return csvDownload(`\uFEFF${toCsv(rows, locale.separator)}\r\n`, `audit-log-${organisationToday(new Date(), user.timeZone)}.csv`);
};

export const { GET, HEAD, ALL } = endpoint({ GET: get });
