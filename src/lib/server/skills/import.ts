// The ratings CSV import: reading the uploaded file with a size cap, and
// importing manager ratings from it. The whole file is checked first
// (src/lib/domain/skills-import.ts); if any row is bad nothing is written, and
// a good file is written in one transaction with its audit row.
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { canOverseeTeams, isAdmin, ratingKindFor, type Actor } from '#domain/access.ts';
import { parseCsv } from '#domain/csv.ts';
import { cellKey } from '#domain/skills-matrix.ts';
import { importIdentity, validateImport, type ImportProblem } from '#domain/skills-import.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db } from '#server/db/client.ts';
import { skillRatings, users } from '#server/db/schema.ts';
import { forbidden, invalid, ok, type FieldErrors, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { readBody } from '#server/request/body.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import { listOrgSkills } from './queries.ts';

// --- CSV import ---------------------------------------------------------------------

/** The largest file the import accepts. The server's body limit for /app/skills/import is above it, so the page can say so itself. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
/** Multipart framing around the file: boundaries, part headers, the other fields. */
const MULTIPART_OVERHEAD = 64 * 1024;

export type Upload = { ok: true; text: string; fileName: string } | { ok: false; status: 400 | 413; message: string };

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Reads the uploaded file from a multipart request, refusing more than
 * MAX_IMPORT_BYTES with a message that says so. Reads the body itself with a
 * cap, because a chunked request has no Content-Length to check up front.
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
  const body = await readBody(request, MAX_IMPORT_BYTES + MULTIPART_OVERHEAD);
  if (!body.ok) return tooLarge(body.size);
  let form: FormData;
  try {
    form = await new Response(new Blob([body.bytes as BlobPart]), { headers: { 'content-type': type } }).formData();
  } catch {
    return { ok: false, status: 400, message: 'The upload could not be read. Choose the file again and send the form.' };
  }
  const file = form.get(field);
  if (!(file instanceof File) || file.size === 0)
    return { ok: false, status: 400, message: 'Choose a CSV file to import (the file was empty or missing).' };
  if (file.size > MAX_IMPORT_BYTES) return tooLarge(file.size);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
    return { ok: true, text, fileName: file.name.slice(0, 200) };
  } catch {
    return { ok: false, status: 400, message: 'The file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8" and try again.' };
  }
}

export type ImportResult = { rows: number; written: number; skipped: number };
/** A file refused for its content: every bad line with its reason. */
export type ImportRefusal = { ok: false; status: 400; message: string; fieldErrors: FieldErrors; problems: ImportProblem[] };
export type ImportOutcome = Outcome<ImportResult> | ImportRefusal;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const INSERT_CHUNK = 500;

/**
 * Imports manager ratings from CSV (email, skill, level, optional date and
 * note). The whole file is validated first: if any row is bad, nothing is
 * written and every bad row comes back with its line and reason. A good file
 * is written in one transaction. Importing the same file again changes
 * nothing: a row already imported (same person, skill, level, date and note)
 * is skipped by its unique import key, and an undated row equal to the
 * person's latest manager rating is skipped too.
 */
export async function importRatings(db: Db, ctx: ActionContext, text: string, fileName = 'upload.csv'): Promise<ImportOutcome> {
  const { actor } = ctx;
  if (!canOverseeTeams(actor)) return forbidden('Only managers and admins import ratings.');
  const { today } = ctx;

  return db.transaction(async (tx): Promise<ImportOutcome> => {
    // Who the actor may rate, read inside the transaction so the check and the write see the same data.
    const teamContext = await loadTeamContext(tx, actor);
    const candidates = await tx
      .select({ id: users.id, email: users.email, orgId: users.orgId, role: users.role, active: users.active })
      .from(users)
      .where(eq(users.orgId, actor.orgId));
    const people = new Map(candidates.filter((p) => ratingKindFor(actor, p, teamContext) === 'manager').map((p) => [p.email, p.id]));
    const orgSkills = await listOrgSkills(tx, actor.orgId);
    const skillKeys = new Map<string, string>();
    for (const s of orgSkills) {
      skillKeys.set(s.name.toLowerCase(), s.id);
      skillKeys.set(s.id, s.id);
    }
    const parsed = parseCsv(text);
    const checked = validateImport(
      parsed.records,
      { people, skills: skillKeys, today, scope: isAdmin(actor) ? 'your organisation' : 'your teams' },
      parsed.problems,
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
      return !(last && last.level === r.level && (last.note ?? null) === r.note);
    });

    let written = 0;
    for (let i = 0; i < toWrite.length; i += INSERT_CHUNK) {
      const values = toWrite.slice(i, i + INSERT_CHUNK).map((r) => ({
        orgId: actor.orgId,
        subjectUserId: r.subjectId,
        raterUserId: actor.id,
        skillId: r.skillId,
        kind: 'manager' as const,
        level: r.level,
        note: r.note,
        evidenceUrl: null,
        ratedAt: r.date === null ? ctx.now : new Date(`${r.date}T00:00:00Z`),
        importKey: sha256(importIdentity(r, today)),
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
    if (written > 0) {
      await writeActorAudit(
        tx,
        ctx,
        'skill.ratings_imported',
        { type: 'organisation', id: actor.orgId },
        { after: { ...result, fileName, sha256: sha256(text) } },
      );
    }
    return ok(result);
  });
}

export type UploadOutcome = Outcome<ImportResult> | (ImportRefusal & { fileName: string });

/**
 * The import page's form: reads the uploaded file (refusing one too large or
 * unreadable, with a message that says why) and imports it. A refusal for
 * the file's content names the file and every bad line.
 */
export async function importUploadedCsv(db: Db, ctx: ActionContext, request: Request): Promise<UploadOutcome> {
  const upload = await readUploadedCsv(request);
  if (!upload.ok) return invalid({}, upload.message, upload.status);
  const result = await importRatings(db, ctx, upload.text, upload.fileName);
  return !result.ok && 'problems' in result ? { ...result, fileName: upload.fileName } : result;
}

export type ImportPage = {
  /** Whose ratings the actor may import, for the upload form's words. */
  scope: 'in your organisation' | 'in a team you manage';
  /** The size limit in whole megabytes. */
  limitMb: string;
};

/** The import page: managers and admins only. */
export function importPage(actor: Actor): Outcome<ImportPage> {
  if (!canOverseeTeams(actor)) return forbidden('Only managers and admins import ratings.');
  return ok({
    scope: isAdmin(actor) ? 'in your organisation' : 'in a team you manage',
    limitMb: (MAX_IMPORT_BYTES / 1024 / 1024).toFixed(0),
  });
}
