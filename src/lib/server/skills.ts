// Skills and ratings: the catalog sync, admins' own skills, recording a
// rating, the matrix queries, CSV export and import. Every action authorizes
// itself and writes its audit row in the same transaction as the change; the
// pure rules (latest rating, gaps, coverage, import validation) live in
// src/lib/domain/skills-matrix.ts.
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { SkillEntry } from '#catalog/catalogs.ts';
import { PROFICIENT, type Level } from '#domain/scale.ts';
import { csvField, parseCsv, type CsvCell } from '#domain/csv.ts';
import {
  CATEGORY_LABELS,
  MAX_NOTE_LENGTH,
  cellKey,
  importIdentity,
  latestRatings,
  skillIdFromName,
  validateImport,
  type CellRatings,
  type ImportProblem,
  type MatrixPerson,
  type MatrixSkill,
  type MatrixView,
  type RatingRecord,
  type SkillCoverageCount,
} from '#domain/skills-matrix.ts';
import { canOverseeTeams, canViewUser, isAdmin, manageableTeams, ratingKindFor, type Actor } from '#domain/access.ts';
import { auditedBy, writeAudit } from '#server/audit/index.ts';
import type { Db, Executor } from './db/client.ts';
import { SKILL_CATEGORY_VALUES, skillRatings, skills, teamMemberships, users, type Skill, type SkillRating } from './db/schema.ts';
import { parseInput } from './outcome.ts';
import { actableTeams, loadTeamContext } from '#server/teams/queries.ts';
import { type ActionContext } from '#server/request/context.ts';
import { forbidden, invalid, notFound, ok, type Outcome } from './outcome.ts';
import { parseId, type FormValues } from '#domain/fields.ts';

// --- content --------------------------------------------------------------------------

// --- catalog ------------------------------------------------------------------------

export type SyncResult = { added: number; updated: number; retired: number };

/**
 * Makes the catalog skills in the database match content/skills.yaml: upsert
 * by id, retire (never delete: ratings point at them) catalog skills no longer
 * listed. Running it twice changes nothing the second time, and it writes an
 * audit row only when something changed. Use inside a transaction (`tx`).
 */
export async function syncSkillCatalogIn(tx: Executor, entries: readonly SkillEntry[], now = new Date()): Promise<SyncResult> {
  const existing = new Map((await tx.select().from(skills)).map((s) => [s.id, s]));
  const result: SyncResult = { added: 0, updated: 0, retired: 0 };
  const listed = new Set<string>();
  for (const [position, entry] of entries.entries()) {
    listed.add(entry.id);
    const want = {
      name: entry.name,
      category: entry.category,
      description: entry.description,
      source: 'content' as const,
      orgId: null,
      position,
      active: true,
    };
    const have = existing.get(entry.id);
    if (!have) {
      await tx.insert(skills).values({ id: entry.id, ...want, createdAt: now, updatedAt: now });
      result.added++;
    } else if (
      have.name !== want.name ||
      have.category !== want.category ||
      have.description !== want.description ||
      have.source !== 'content' ||
      have.orgId !== null ||
      have.position !== position ||
      !have.active
    ) {
      // An admin's skill whose id the catalog later adopts becomes a catalog skill, keeping its ratings.
      await tx
        .update(skills)
        .set({ ...want, updatedAt: now })
        .where(eq(skills.id, entry.id));
      result.updated++;
    }
  }
  for (const have of existing.values()) {
    if (have.source === 'content' && have.active && !listed.has(have.id)) {
      await tx.update(skills).set({ active: false, updatedAt: now }).where(eq(skills.id, have.id));
      result.retired++;
    }
  }
  if (result.added + result.updated + result.retired > 0) {
    await writeAudit(tx, {
      orgId: null,
      actorUserId: null,
      action: 'skill.catalog_synced',
      at: now,
      after: { ...result, catalogSize: entries.length },
    });
  }
  return result;
}

export function syncSkillCatalog(db: Db, entries: readonly SkillEntry[], now = new Date()): Promise<SyncResult> {
  return db.transaction((tx) => syncSkillCatalogIn(tx, entries, now));
}

export type OrgSkill = MatrixSkill & { description: string; source: Skill['source'] };

/** The active skills an organisation uses: the catalog's and its own, in catalog order. */
export async function listOrgSkills(db: Executor, orgId: number): Promise<OrgSkill[]> {
  return db
    .select({
      id: skills.id,
      name: skills.name,
      category: skills.category,
      position: skills.position,
      description: skills.description,
      source: skills.source,
    })
    .from(skills)
    .where(and(eq(skills.active, true), or(isNull(skills.orgId), eq(skills.orgId, orgId))))
    .orderBy(asc(skills.position), asc(skills.id));
}

const skillForm = z.object({
  name: z
    .string({ error: 'Enter a name.' })
    .trim()
    .min(2, { error: 'Enter a name of at least 2 characters.' })
    .max(80, { error: 'Use at most 80 characters.' }),
  category: z.enum(SKILL_CATEGORY_VALUES, { error: 'Choose a category.' }),
  description: z
    .string({ error: 'Describe the skill in a sentence.' })
    .trim()
    .min(10, { error: 'Describe the skill in a sentence (at least 10 characters).' })
    .max(300, { error: 'Use at most 300 characters.' }),
});

/** An admin adds a skill for their organisation; its id comes from the name. */
export async function createSkill(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<Skill>> {
  if (!isAdmin(ctx.actor)) return forbidden();
  const parsed = parseInput(skillForm, form);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const base = skillIdFromName(input.name);
  if (base === '') return invalid({ name: 'Use letters or digits in the name.' });
  return db.transaction(async (tx) => {
    const visible = await listOrgSkills(tx, ctx.actor.orgId);
    if (visible.some((s) => s.name.toLowerCase() === input.name.toLowerCase())) {
      return invalid({ name: 'A skill with this name already exists.' }, undefined, 409);
    }
    // Ids are global (the catalog's are shared); a taken id gets a number, never another org's skill.
    const taken = new Set(
      (
        await tx
          .select({ id: skills.id })
          .from(skills)
          .where(sql`${skills.id} = ${base} or ${skills.id} like ${`${base}-%`}`)
      ).map((r) => r.id),
    );
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    const [{ max } = { max: 0 }] = await tx.select({ max: sql<number>`coalesce(max(${skills.position}), 0)` }).from(skills);
    const [created] = await tx
      .insert(skills)
      .values({
        id,
        orgId: ctx.actor.orgId,
        ...input,
        source: 'admin',
        position: Number(max) + 1,
        active: true,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await writeAudit(tx, {
      ...auditedBy(ctx),
      action: 'skill.created',
      target: { type: 'skill', id },
      after: { ...input },
    });
    return ok(created!);
  });
}

// --- access -------------------------------------------------------------------------

// --- recording a rating ----------------------------------------------------------

const optionalText = (max: number, label: string) =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .pipe(z.string().max(max, { error: `${label}: use at most ${max} characters.` }))
    .transform((v) => (v === '' ? null : v));

export const ratingInput = z.object({
  skillId: z
    .string({ error: 'Choose a skill.' })
    .trim()
    .min(1, { error: 'Choose a skill.' })
    .max(100, { error: 'Choose a skill from the list.' }),
  level: z
    .union([z.string(), z.number()], { error: 'Choose a level from 0 to 4.' })
    .transform((v) => String(v).trim())
    .pipe(z.enum(['0', '1', '2', '3', '4'], { error: 'Choose a level from 0 to 4.' }))
    .transform((v) => Number(v) as Level),
  note: optionalText(MAX_NOTE_LENGTH, 'Note'),
  evidenceUrl: z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .pipe(
      z.union([
        z.literal(''),
        z
          .url({ protocol: /^https?$/, error: 'Enter a web address starting with https:// (or leave it empty).' })
          .max(500, { error: 'Use at most 500 characters.' }),
      ]),
    )
    .transform((v) => (v === '' ? null : v)),
});
export type RatingInput = z.input<typeof ratingInput>;

export type RecordedRating = { rating: SkillRating; subject: { id: number; jobRole: string | null; tier: string | null } };

/**
 * Records a rating of `rawSubjectId` by the actor. The kind follows from who
 * rates whom (never from the request), so a member cannot forge a manager
 * rating. 404 when the actor may not see the person, 403 when they may see
 * but not rate them (a deactivated person).
 */
export async function recordRating(
  db: Db,
  ctx: ActionContext,
  rawSubjectId: string | number | undefined,
  input: Record<string, unknown>,
): Promise<Outcome<RecordedRating>> {
  const subjectId = parseId(rawSubjectId === undefined ? undefined : String(rawSubjectId));
  if (subjectId === null) return notFound();
  return db.transaction(async (tx) => {
    const [subject] = await tx
      .select({ id: users.id, orgId: users.orgId, role: users.role, active: users.active, jobRole: users.jobRole, tier: users.tier })
      .from(users)
      .where(eq(users.id, subjectId))
      .limit(1);
    if (!subject) return notFound();
    const teamContext = await loadTeamContext(tx, ctx.actor);
    if (!canViewUser(ctx.actor, subject, teamContext)) return notFound();
    const kind = ratingKindFor(ctx.actor, subject, teamContext);
    if (!kind) return forbidden('You cannot rate this person.');

    const parsed = ratingInput.safeParse(input);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
      return invalid(errors);
    }
    const value = parsed.data;
    const [skill] = await tx
      .select({ id: skills.id })
      .from(skills)
      .where(and(eq(skills.id, value.skillId), eq(skills.active, true), or(isNull(skills.orgId), eq(skills.orgId, subject.orgId))))
      .limit(1);
    if (!skill) return invalid({ skillId: 'Choose a skill from the list.' });

    const [rating] = await tx
      .insert(skillRatings)
      .values({
        orgId: subject.orgId,
        subjectUserId: subject.id,
        raterUserId: ctx.actor.id,
        skillId: skill.id,
        kind,
        level: value.level,
        note: value.note,
        evidenceUrl: value.evidenceUrl,
        ratedAt: ctx.now,
        createdAt: ctx.now,
      })
      .returning();
    await writeAudit(tx, {
      orgId: subject.orgId,
      actorUserId: ctx.actor.id,
      action: 'skill.rated',
      target: { type: 'user', id: subject.id },
      after: { ratingId: rating!.id, skillId: skill.id, kind, level: value.level, note: value.note, evidenceUrl: value.evidenceUrl },
      ip: ctx.ip,
      at: ctx.now,
    });
    return ok({ rating: rating!, subject: { id: subject.id, jobRole: subject.jobRole, tier: subject.tier } });
  });
}

// --- matrix queries -------------------------------------------------------------

/**
 * Latest self and manager rating per person x skill, from skill_ratings_current
 * (kept by a trigger on every insert, migration 0007). Each person comes back
 * as one row with their cells packed in a string: 500 people x 60 skills is 500
 * small rows rather than 60,000 objects, and the client's per-row cost is what
 * dominates a read this size. `personIds` null means everyone in the organisation.
 */
export async function latestCells(db: Executor, orgId: number, personIds: readonly number[] | null): Promise<Map<string, CellRatings>> {
  const cells = new Map<string, CellRatings>();
  if (personIds !== null && personIds.length === 0) return cells;
  // For a list of people, "+org_id" keeps SQLite on the primary key (person,
  // skill): through the org index it would walk every rating of the organisation.
  const where =
    personIds === null
      ? sql`org_id = ${orgId}`
      : sql`+org_id = ${orgId} and subject_user_id in (${sql.join(
          personIds.map((id) => sql`${id}`),
          sql`, `,
        )})`;
  const rows = await db.all<{ s: number; c: string }>(sql`
    select subject_user_id as s,
           group_concat(skill_id || ' ' || ifnull(self_level, '') || ' ' || ifnull(self_rated_at, '') || ' ' || ifnull(manager_level, '') || ' ' || ifnull(manager_rated_at, ''), ',') as c
    from skill_ratings_current where ${where}
    group by subject_user_id`);
  const rating = (level: string, ratedAt: string) => (level === '' ? null : { level: Number(level) as Level, ratedAt: Number(ratedAt) });
  for (const row of rows) {
    const person = Number(row.s);
    for (const packed of String(row.c).split(',')) {
      // Skill ids are kebab-case, so neither ' ' nor ',' can occur inside one.
      const [skillId, selfLevel, selfAt, managerLevel, managerAt] = packed.split(' ') as [string, string, string, string, string];
      cells.set(cellKey(person, skillId), { self: rating(selfLevel, selfAt), manager: rating(managerLevel, managerAt) });
    }
  }
  return cells;
}

/**
 * Per skill, across the organisation's active people: how many have a current
 * rating and how many are at proficient or above (the manager's rating where
 * there is one, else their own, as currentLevel decides). One pass over a
 * covering index of skill_ratings_current; deactivated people, few, are left
 * out by a small list rather than a join per rating.
 */
export async function orgSkillCoverage(db: Executor, orgId: number): Promise<SkillCoverageCount[]> {
  const rows = await db.all<{ skillId: string; rated: number; proficient: number }>(sql`
    select skill_id as skillId, count(*) as rated, sum(coalesce(manager_level, self_level) >= ${PROFICIENT}) as proficient
    from skill_ratings_current
    where org_id = ${orgId} and subject_user_id not in (select id from users where org_id = ${orgId} and active = 0)
    group by skill_id`);
  return rows.map((r) => ({ skillId: String(r.skillId), rated: Number(r.rated), proficient: Number(r.proficient) }));
}

export type ScopedPerson = MatrixPerson & { email: string; teamIds: number[] };

/** Active people of the organisation, or of some of its teams, with their team ids. */
async function scopedPeople(
  db: Executor,
  orgId: number,
  teamIds: readonly number[] | null,
  excludeId: number | null,
): Promise<ScopedPerson[]> {
  const base = db
    .select({
      id: users.id,
      name: users.displayName,
      email: users.email,
      jobRole: users.jobRole,
      tier: users.tier,
      teamId: teamMemberships.teamId,
    })
    .from(users)
    .leftJoin(teamMemberships, eq(teamMemberships.userId, users.id));
  const rows = await base.where(
    and(eq(users.orgId, orgId), eq(users.active, true), teamIds === null ? undefined : inArray(teamMemberships.teamId, [...teamIds])),
  );
  const people = new Map<number, ScopedPerson>();
  for (const r of rows) {
    if (r.id === excludeId) continue;
    const person = people.get(r.id) ?? { id: r.id, name: r.name, email: r.email, jobRole: r.jobRole, tier: r.tier, teamIds: [] };
    if (r.teamId !== null) person.teamIds.push(r.teamId);
    people.set(r.id, person);
  }
  return [...people.values()];
}

export type OrgMatrixData = { people: ScopedPerson[]; skills: OrgSkill[]; cells: Map<string, CellRatings> };

/**
 * Everything the admin's whole-organisation matrix needs, in three queries.
 * The benchmark times this for 500 people x 60 skills.
 */
export async function loadOrgMatrix(db: Executor, orgId: number): Promise<OrgMatrixData> {
  const [people, orgSkills, cells] = await Promise.all([
    scopedPeople(db, orgId, null, null),
    listOrgSkills(db, orgId),
    latestCells(db, orgId, null),
  ]);
  return { people, skills: orgSkills, cells };
}

export type MatrixTeam = { id: number; name: string };
export type MatrixScope = {
  teams: MatrixTeam[];
  /** The chosen team, or null for all of the actor's teams (admins: the whole organisation). */
  team: MatrixTeam | null;
  data: OrgMatrixData;
};

/**
 * The matrix for an actor: admins see the organisation (or one team),
 * managers the teams they manage (or one of them). A team id the actor does
 * not manage, or that is not a number, is "not found".
 */
export async function loadMatrixFor(db: Executor, actor: Actor, rawTeamId: string | null): Promise<Outcome<MatrixScope>> {
  if (!canOverseeTeams(actor)) return forbidden();
  const orgTeams = await actableTeams(db, actor);
  const mine = manageableTeams(actor, orgTeams).map((t) => ({ id: t.id, name: t.name }));
  let team: MatrixTeam | null = null;
  if (rawTeamId !== null && rawTeamId !== '') {
    const id = parseId(rawTeamId);
    team = mine.find((t) => t.id === id) ?? null;
    if (!team) return notFound();
  }
  if (isAdmin(actor) && team === null) {
    // Their own row would be a self rating; that belongs on My skills.
    const data = await loadOrgMatrix(db, actor.orgId);
    return ok({ teams: mine, team, data: { ...data, people: data.people.filter((p) => p.id !== actor.id) } });
  }
  const teamIds = team ? [team.id] : mine.map((t) => t.id);
  // A manager rates the people of their teams, not themselves (that is a self rating, on My skills).
  const people = teamIds.length ? await scopedPeople(db, actor.orgId, teamIds, actor.id) : [];
  const [orgSkills, cells] = await Promise.all([
    listOrgSkills(db, actor.orgId),
    latestCells(
      db,
      actor.orgId,
      people.map((p) => p.id),
    ),
  ]);
  return ok({ teams: mine, team, data: { people, skills: orgSkills, cells } });
}

// --- one person -----------------------------------------------------------------------

export type HistoryEntry = RatingRecord & { raterName: string; note: string | null; evidenceUrl: string | null };

/** Every rating of a person, newest first, with who gave it. */
export async function ratingHistory(db: Executor, personId: number): Promise<HistoryEntry[]> {
  const rows = await db
    .select({
      id: skillRatings.id,
      skillId: skillRatings.skillId,
      kind: skillRatings.kind,
      level: skillRatings.level,
      ratedAt: skillRatings.ratedAt,
      note: skillRatings.note,
      evidenceUrl: skillRatings.evidenceUrl,
      raterName: users.displayName,
    })
    .from(skillRatings)
    .innerJoin(users, eq(users.id, skillRatings.raterUserId))
    // The org_id term lets SQLite use skill_ratings_latest_idx (org, subject, …); by subject alone it scanned every rating.
    .where(
      and(
        eq(skillRatings.orgId, sql`(select ${users.orgId} from ${users} where ${users.id} = ${personId})`),
        eq(skillRatings.subjectUserId, personId),
      ),
    )
    .orderBy(sql`${skillRatings.ratedAt} desc, ${skillRatings.id} desc`);
  return rows.map((r) => ({ ...r, subjectId: personId, level: r.level as Level, ratedAt: r.ratedAt.getTime() }));
}

/** A person's latest ratings keyed by skill id. */
export function latestBySkill(history: readonly HistoryEntry[]): Map<string, CellRatings> {
  const latest = latestRatings(history);
  return new Map([...latest].map(([key, cell]) => [key.slice(key.indexOf(':') + 1), cell]));
}

// --- CSV export ---------------------------------------------------------------------

const EXPORT_HEADER = ['name', 'email', 'job_role', 'tier', 'skill', 'skill_name', 'category', 'self', 'manager', 'target', 'gap'];

/**
 * The matrix as one row per person x skill: a shape spreadsheets filter and
 * pivot well. Exactly toCsv's output for those rows, but each person's and each
 * skill's columns are encoded once, not once per line (50 people x 60 skills
 * is 3,000 lines).
 */
export function matrixCsv(view: MatrixView, emails: ReadonlyMap<number, string>): string {
  const line = (cells: readonly CsvCell[]) => cells.map(csvField).join(',');
  const skillColumns = view.columns.map((c) => line([c.skill.id, c.skill.name, CATEGORY_LABELS[c.skill.category]]));
  const lines = [line(EXPORT_HEADER)];
  for (const row of view.rows) {
    const person = line([row.person.name, emails.get(row.person.id) ?? '', row.person.jobRole ?? '', row.person.tier ?? '']);
    for (let i = 0; i < skillColumns.length; i++) {
      const cell = row.cells[i]!;
      lines.push(`${person},${skillColumns[i]},${line([cell.self, cell.manager, cell.target, cell.gap])}`);
    }
  }
  return lines.join('\r\n');
}

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
  const cap = MAX_IMPORT_BYTES + MULTIPART_OVERHEAD;
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > cap) {
    await request.body?.cancel().catch(() => {});
    return tooLarge(declared);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  if (!reader) return { ok: false, status: 400, message: 'Choose a CSV file to import.' };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => {});
      return tooLarge(size);
    }
    chunks.push(value);
  }
  let form: FormData;
  try {
    form = await new Response(new Blob(chunks as BlobPart[]), { headers: { 'content-type': type } }).formData();
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
export type ImportOutcome =
  | { ok: true; value: ImportResult }
  | { ok: false; status: 403; message: string }
  | { ok: false; status: 400; message: string; problems: ImportProblem[] };

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
  if (!canOverseeTeams(actor)) return { ok: false, status: 403, message: 'Only managers and admins import ratings.' };
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
      await writeAudit(tx, {
        orgId: actor.orgId,
        actorUserId: actor.id,
        action: 'skill.ratings_imported',
        target: { type: 'organisation', id: actor.orgId },
        after: { ...result, fileName, sha256: sha256(text) },
        ip: ctx.ip,
        at: ctx.now,
      });
    }
    return { ok: true, value: result };
  });
}
