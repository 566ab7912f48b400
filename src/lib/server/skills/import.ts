// The ratings CSV import: reading the uploaded file with a size cap, and
// importing manager ratings from it. The whole file is checked first
// (src/lib/domain/skills-import.ts); if any row is bad nothing is written, and
// a good file is written in one transaction with its audit row. The page
// first shows how the file was read (a preview, written by nothing) and
// imports when the person confirms.
import { createHash } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { canOverseeTeams, isAdmin, ratingKindFor, type Actor } from '#domain/access.ts';
import { parseCsv } from '#domain/csv.ts';
import { cellKey } from '#domain/skills-matrix.ts';
import { importIdentity, validateImport, type ImportProblem, type ImportReading, type ImportRow } from '#domain/skills-import.ts';
import type { SpreadsheetLocale } from '#domain/spreadsheet-locale.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { skillRatings, users } from '#server/db/schema.ts';
import { forbidden, invalid, ok, type FieldErrors, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { readBody } from '#server/request/body.ts';
import { organisationSpreadsheetLocale } from '#server/organisation/index.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import { listOrgSkills } from './queries.ts';

// --- CSV import ---------------------------------------------------------------------

/** The largest file the import accepts. The server's body limit for /app/skills/import is above it, so the page can say so itself. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
/** Multipart framing around the file: boundaries, part headers, the other fields. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** A confirmed preview sends the text back as a form field, whose line ends the browser turns into CRLF: room for that. */
const CRLF_ALLOWANCE = 128 * 1024;

export type Upload =
  | {
      ok: true;
      text: string;
      fileName: string;
      /** The form's step: "preview" shows how the file reads; anything else (a confirmed preview, a script) imports. */
      step: 'preview' | 'import';
    }
  | { ok: false; status: 400 | 413; message: string };

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const SAVE_AS_CSV =
  'In Excel choose File > Save As > "CSV UTF-8 (Comma delimited) (*.csv)"; in LibreOffice Calc choose File > Save As > "Text CSV (.csv)" with the character set "Unicode (UTF-8)". Then upload the .csv file.';

/**
 * What a file that is not text is, from its first bytes and its name: a
 * workbook saved instead of exported is the usual reason, and saying which
 * format it is tells the person what to do.
 */
export function spreadsheetFormatOf(bytes: Uint8Array, fileName: string): string | null {
  const starts = (...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  // Office Open XML and OpenDocument files are ZIP archives; an OpenDocument one names its type first, uncompressed.
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 128));
    if (head.includes('opendocument.spreadsheet') || ext === 'ods') return 'an OpenDocument spreadsheet (.ods)';
    if (ext === 'numbers') return 'a Numbers spreadsheet (.numbers)';
    return 'an Excel workbook (.xlsx)';
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return 'an Excel 97-2003 workbook (.xls)';
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) return 'UTF-16 text ("Unicode text" in Excel)';
  if (ext === 'xlsx' || ext === 'xlsm' || ext === 'xls') return `an Excel workbook (.${ext})`;
  if (ext === 'ods') return 'an OpenDocument spreadsheet (.ods)';
  return null;
}

/**
 * Reads the uploaded file from a multipart request, refusing more than
 * MAX_IMPORT_BYTES with a message that says so. Reads the body itself with a
 * cap, because a chunked request has no Content-Length to check up front.
 * A confirmed preview sends the file's text back in the `csv` field.
 */
export async function readUploadedCsv(request: Request, field = 'file'): Promise<Upload> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data'))
    return { ok: false, status: 400, message: 'Send the file with the upload form on this page.' };
  const tooLarge = (size: number): Upload => ({
    ok: false,
    status: 413,
    message: `The file is too large (${megabytes(size)}). The limit is ${megabytes(MAX_IMPORT_BYTES)}: split it into smaller files and import them one after another.`,
  });
  if (!request.body) return { ok: false, status: 400, message: 'Choose a CSV file to import.' };
  const body = await readBody(request, MAX_IMPORT_BYTES + MULTIPART_OVERHEAD + CRLF_ALLOWANCE);
  if (!body.ok) return tooLarge(body.size);
  let form: FormData;
  try {
    form = await new Response(new Blob([body.bytes as BlobPart]), { headers: { 'content-type': type } }).formData();
  } catch {
    return { ok: false, status: 400, message: 'The upload could not be read. Choose the file again and send the form.' };
  }
  const step = form.get('step') === 'preview' ? 'preview' : 'import';
  const confirmed = form.get('csv');
  if (typeof confirmed === 'string' && confirmed !== '') {
    const name = form.get('fileName');
    return { ok: true, text: confirmed, fileName: (typeof name === 'string' && name ? name : 'upload.csv').slice(0, 200), step: 'import' };
  }
  const file = form.get(field);
  if (!(file instanceof File) || file.size === 0)
    return { ok: false, status: 400, message: 'Choose a CSV file to import (the file was empty or missing).' };
  if (file.size > MAX_IMPORT_BYTES) return tooLarge(file.size);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const format = spreadsheetFormatOf(bytes, file.name);
  if (format) return { ok: false, status: 400, message: `The file is ${format}, not a CSV file. ${SAVE_AS_CSV}` };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, text, fileName: file.name.slice(0, 200), step };
  } catch {
    return { ok: false, status: 400, message: `The file is not UTF-8 text. ${SAVE_AS_CSV}` };
  }
}

/** Email → id of everyone whose manager rating the actor gives. */
export async function ratablePeople(db: Executor, actor: Actor): Promise<Map<string, number>> {
  const teamContext = await loadTeamContext(db, actor);
  const candidates = await db
    .select({ id: users.id, email: users.email, orgId: users.orgId, role: users.role, active: users.active })
    .from(users)
    .where(eq(users.orgId, actor.orgId));
  return new Map(candidates.filter((p) => ratingKindFor(actor, p, teamContext) === 'manager').map((p) => [p.email, p.id]));
}

export type ImportResult = { rows: number; written: number; skipped: number };
/** What a confirmed import would do, and how the file was read. */
export type ImportPreview = ImportResult & { reading: ImportReading; locale: SpreadsheetLocale };
/** A file refused for its content: every bad line with its reason. */
export type ImportRefusal = { ok: false; status: 400; message: string; fieldErrors: FieldErrors; problems: ImportProblem[] };
export type ImportOutcome = Outcome<ImportResult> | ImportRefusal;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const INSERT_CHUNK = 500;

/**
 * Imports manager ratings from CSV (email, skill, level, optional date and
 * note; or a skills export, whose manager column is the level). The whole
 * file is validated first: if any row is bad, nothing is written and every
 * bad row comes back with its line and reason. A good file is written in one
 * transaction. Importing the same file again changes nothing: a row already
 * imported (same person, skill, level, date and note) is skipped by its
 * unique import key, and an undated row equal to the person's latest manager
 * rating is skipped too (its note counts only when the file has a note column).
 */
export async function importRatings(db: Db, ctx: ActionContext, text: string, fileName = 'upload.csv'): Promise<ImportOutcome> {
  const result = await checkOrImport(db, ctx, text, fileName, false);
  return result.ok ? ok({ rows: result.value.rows, written: result.value.written, skipped: result.value.skipped }) : result;
}

/** The same checks as importRatings, writing nothing: what the import would write and skip, and how the file was read. */
export async function previewImport(db: Db, ctx: ActionContext, text: string): Promise<Outcome<ImportPreview> | ImportRefusal> {
  return checkOrImport(db, ctx, text, 'preview', true);
}

async function checkOrImport(
  db: Db,
  ctx: ActionContext,
  text: string,
  fileName: string,
  preview: boolean,
): Promise<Outcome<ImportPreview> | ImportRefusal> {
  const { actor } = ctx;
  if (!canOverseeTeams(actor)) return forbidden('Only managers and admins import ratings.');
  const { today } = ctx;

  return db.transaction(async (tx): Promise<Outcome<ImportPreview> | ImportRefusal> => {
    // Who the actor may rate, read inside the transaction so the check and the write see the same data.
    const people = await ratablePeople(tx, actor);
    const orgSkills = await listOrgSkills(tx, actor.orgId);
    const skillKeys = new Map<string, string>();
    for (const s of orgSkills) {
      skillKeys.set(s.name.toLowerCase(), s.id);
      skillKeys.set(s.id, s.id);
    }
    const locale = await organisationSpreadsheetLocale(tx, actor);
    const parsed = parseCsv(text);
    const checked = validateImport(
      parsed.records,
      { people, skills: skillKeys, today, scope: isAdmin(actor) ? 'your organisation' : 'your teams', dateOrder: locale.dateOrder },
      parsed,
    );
    if (!checked.ok) {
      return {
        ok: false,
        status: 400,
        message: `Nothing was imported: ${checked.problems.length} line${checked.problems.length === 1 ? ' has' : 's have'} a problem.`,
        fieldErrors: {},
        problems: checked.problems,
      };
    }
    const { reading } = checked;

    // Undated rows equal to the latest manager rating (level and note) change nothing.
    // "Latest" counts this file's own dated rows too: one dated after the stored
    // latest becomes the latest, so an undated row is compared with it (else a
    // second import of the same file would write the undated row after all).
    const undated = checked.rows.filter((r) => r.date === null);
    const latest = new Map<string, { level: number; note: string | null; at: number }>();
    if (undated.length) {
      const subjectIds = [...new Set(undated.map((r) => r.subjectId))];
      const rows = await tx.all<{ s: number; k: string; l: number; n: string | null; t: number }>(sql`
        select subject_user_id as s, skill_id as k, level as l, note as n, rated_at as t from (
          select subject_user_id, skill_id, level, note, rated_at,
                 row_number() over (partition by subject_user_id, skill_id order by rated_at desc, id desc) as rn
          from skill_ratings
          where org_id = ${actor.orgId} and kind = 'manager'
            and subject_user_id in (${sql.join(
              subjectIds.map((id) => sql`${id}`),
              sql`, `,
            )})
        ) where rn = 1`);
      for (const r of rows) latest.set(cellKey(Number(r.s), r.k), { level: Number(r.l), note: r.n, at: Number(r.t) });
      for (const r of checked.rows) {
        if (r.date === null) continue;
        const at = Date.parse(`${r.date}T00:00:00Z`);
        const key = cellKey(r.subjectId, r.skillId);
        // On a tie the file's row wins: it is inserted after the stored one (a higher id).
        if (at >= (latest.get(key)?.at ?? -Infinity)) latest.set(key, { level: r.level, note: r.note, at });
      }
    }
    const toWrite = checked.rows.filter((r) => {
      if (r.date !== null) return true;
      const last = latest.get(cellKey(r.subjectId, r.skillId));
      // A file without a note column (an export) says nothing about notes: the level alone decides.
      return !(last && last.level === r.level && (!reading.hasNotes || (last.note ?? null) === r.note));
    });
    const keyOf = (r: ImportRow) => sha256(importIdentity(r, today));

    let written = 0;
    for (let i = 0; i < toWrite.length; i += INSERT_CHUNK) {
      const chunk = toWrite.slice(i, i + INSERT_CHUNK);
      if (preview) {
        const keys = chunk.map(keyOf);
        const known = await tx.select({ k: skillRatings.importKey }).from(skillRatings).where(inArray(skillRatings.importKey, keys));
        written += chunk.length - known.length;
        continue;
      }
      const values = chunk.map((r) => ({
        orgId: actor.orgId,
        subjectUserId: r.subjectId,
        raterUserId: actor.id,
        skillId: r.skillId,
        kind: 'manager' as const,
        level: r.level,
        note: r.note,
        evidenceUrl: null,
        ratedAt: r.date === null ? ctx.now : new Date(`${r.date}T00:00:00Z`),
        importKey: keyOf(r),
        createdAt: ctx.now,
      }));
      const inserted = await tx
        .insert(skillRatings)
        .values(values)
        .onConflictDoNothing({ target: skillRatings.importKey })
        .returning({ id: skillRatings.id });
      written += inserted.length;
    }
    const result = { rows: checked.rows.length, written, skipped: checked.rows.length - written };
    // Nothing written, nothing to audit: a repeated import leaves the database exactly as it was.
    if (written > 0 && !preview) {
      await writeActorAudit(
        tx,
        ctx,
        'skill.ratings_imported',
        { type: 'organisation', id: actor.orgId },
        { after: { ...result, fileName, sha256: sha256(text) } },
      );
    }
    return ok({ ...result, reading, locale });
  });
}

export type UploadValue = ({ step: 'imported' } & ImportResult) | ({ step: 'preview'; fileName: string; text: string } & ImportPreview);
export type UploadOutcome = Outcome<UploadValue> | (ImportRefusal & { fileName: string });

/**
 * The import page's form: reads the uploaded file (refusing one too large or
 * unreadable, with a message that says why), then previews it (the upload
 * form's step) or imports it (a confirmed preview, or a form without the
 * step: a script's single request). A refusal for the file's content names
 * the file and every bad line.
 */
export async function importUploadedCsv(db: Db, ctx: ActionContext, request: Request): Promise<UploadOutcome> {
  const upload = await readUploadedCsv(request);
  if (!upload.ok) return invalid({}, upload.message, upload.status);
  if (upload.step === 'preview') {
    const preview = await previewImport(db, ctx, upload.text);
    if (preview.ok) return ok({ step: 'preview', fileName: upload.fileName, text: upload.text, ...preview.value });
    return 'problems' in preview ? { ...preview, fileName: upload.fileName } : preview;
  }
  const result = await importRatings(db, ctx, upload.text, upload.fileName);
  if (result.ok) return ok({ step: 'imported', ...result.value });
  return 'problems' in result ? { ...result, fileName: upload.fileName } : result;
}

export type ImportPage = {
  /** Whose ratings the actor may import, for the upload form's words. */
  scope: 'in your organisation' | 'in a team you manage';
  /** The size limit in whole megabytes. */
  limitMb: string;
  /** How dates like 01/11/2026 are read, and the separator of the template. */
  locale: SpreadsheetLocale;
};

/** The import page: managers and admins only. */
export async function importPage(db: Executor, actor: Actor): Promise<Outcome<ImportPage>> {
  if (!canOverseeTeams(actor)) return forbidden('Only managers and admins import ratings.');
  return ok({
    scope: isAdmin(actor) ? 'in your organisation' : 'in a team you manage',
    limitMb: (MAX_IMPORT_BYTES / 1024 / 1024).toFixed(0),
    locale: await organisationSpreadsheetLocale(db, actor),
  });
}
