// The people import from HR (issue 16, ADR 026): an admin uploads a CSV or a
// script posts JSON; the whole file is checked and planned against the
// organisation, and the plan is stored (people_imports) so the preview can be
// reopened by URL. Applying plans again inside one transaction and writes only
// if the plan is still the one the admin saw; otherwise the row becomes
// "stale" with the fresh plan, and nothing is written. The apply runs in the
// web process in the background; the page shows its state from the row.
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { canAdministerOrganisation, type Actor } from '#domain/access.ts';
import { parseCsv } from '#domain/csv.ts';
import { parseId } from '#domain/fields.ts';
import type { JobRoleCatalog } from '#domain/job-roles.ts';
import {
  jsonToRecords,
  MAX_PEOPLE_IMPORT_BYTES,
  planIsEmpty,
  planPeopleImport,
  planSummary,
  PLAN_SUMMARY_LISTS,
  type PlanSummary,
  readPeopleImport,
  type CurrentOrganisation,
  type PeopleImportProblem,
  type PeoplePlan,
  type PlanOptions,
} from '#domain/people-import.ts';
import { invitePeople, revokeAccountLinksOf } from '#server/account/index.ts';
import { auditRow, writeActorAudit, type AuditEvent } from '#server/audit/index.ts';
import { invalidateUserSessions } from '#server/auth/session.ts';
import { generatePassword, hashPassword } from '#server/auth/password.ts';
import type { Db, Executor, Tx } from '#server/db/client.ts';
import { auditLog, peopleImports, teamMemberships, teams, users, type PeopleImport } from '#server/db/schema.ts';
import { organisationSpreadsheetLocale } from '#server/organisation/index.ts';
import { forbidden, invalid, notFound, ok, type Outcome } from '#server/outcome.ts';
import { readBody } from '#server/request/body.ts';
import type { ActionContext } from '#server/request/context.ts';
import { spreadsheetFormatOf } from '#server/skills/import.ts';
import { insertRowsFromJson } from '#server/db/json-rows.ts';

/** Rows per multi-row INSERT (one JSON parameter each, json-rows.ts), and changes between two yields to other requests. */
const INSERT_SLICE = 1_000;
/**
 * Lets the event loop serve other requests. The libsql client runs each
 * statement synchronously, so an apply of thousands of awaited statements
 * never reaches the event loop by itself: every other request of this web
 * process would wait the whole apply out.
 */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));
const MULTIPART_OVERHEAD = 64 * 1024;

export type PeopleFile = { text: string; fileName: string; format: 'csv' | 'json'; options: PlanOptions };

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const tooLarge = (size: number) =>
  invalid(
    {
      file: `The file is too large (${megabytes(size)}). The limit is ${megabytes(MAX_PEOPLE_IMPORT_BYTES)}: split it into smaller files.`,
    },
    'The file is too large.',
    413,
  );

/** Reads the upload form: the file and the two options. */
export async function readPeopleUpload(request: Request): Promise<Outcome<PeopleFile>> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data') || !request.body)
    return invalid({ file: 'Send the file with the upload form on this page.' }, 'Choose a file to import.');
  const body = await readBody(request, MAX_PEOPLE_IMPORT_BYTES + MULTIPART_OVERHEAD);
  if (!body.ok) return tooLarge(body.size);
  let form: FormData;
  try {
    form = await new Response(body.bytes as BodyInit, { headers: { 'content-type': type } }).formData();
  } catch {
    return invalid({ file: 'The upload could not be read. Choose the file again and send the form.' }, 'The upload could not be read.');
  }
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) return invalid({ file: 'Choose a CSV file to import (the file was empty or missing).' });
  if (file.size > MAX_PEOPLE_IMPORT_BYTES) return tooLarge(file.size);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const format = spreadsheetFormatOf(bytes, file.name);
  if (format)
    return invalid({
      file: `The file is ${format}, not a CSV file. Save it as CSV UTF-8 from the spreadsheet (File > Save As) and upload the .csv file.`,
    });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return invalid({ file: 'The file is not UTF-8 text. Save it as CSV UTF-8 from the spreadsheet and upload it again.' });
  }
  return ok({
    text,
    fileName: file.name.slice(0, 200),
    format: /\.json$/i.test(file.name) ? 'json' : 'csv',
    options: { deactivateAbsent: form.get('deactivateAbsent') === 'yes', invite: form.get('invite') === 'yes' },
  });
}

/** The organisation as the planner sees it. */
export async function currentOrganisation(db: Executor, actor: Actor): Promise<CurrentOrganisation> {
  const [people, teamRows, memberships] = await Promise.all([
    db
      .select({
        id: users.id,
        email: users.email,
        name: users.displayName,
        role: users.role,
        jobRole: users.jobRole,
        tier: users.tier,
        startDate: users.startDate,
        active: users.active,
      })
      .from(users)
      .where(eq(users.orgId, actor.orgId))
      .orderBy(users.id),
    db
      .select({ id: teams.id, name: teams.name, managerEmail: users.email })
      .from(teams)
      .leftJoin(users, eq(users.id, teams.managerUserId))
      .where(eq(teams.orgId, actor.orgId))
      .orderBy(teams.id),
    db
      .select({ userId: teamMemberships.userId, team: teams.name })
      .from(teamMemberships)
      .innerJoin(teams, eq(teams.id, teamMemberships.teamId))
      .where(eq(teams.orgId, actor.orgId)),
  ]);
  const teamsOf = new Map<number, string[]>();
  for (const m of memberships) teamsOf.set(m.userId, [...(teamsOf.get(m.userId) ?? []), m.team.toLowerCase()]);
  const actorEmail = people.find((p) => p.id === actor.id)?.email ?? '';
  return { people: people.map((p) => ({ ...p, teams: teamsOf.get(p.id) ?? [] })), teams: teamRows, actorEmail };
}

type Planned = { plan: PeoplePlan | null; problems: PeopleImportProblem[] };

async function planFile(
  db: Executor,
  actor: Actor,
  file: Pick<PeopleFile, 'text' | 'format' | 'options'>,
  catalog: JobRoleCatalog,
): Promise<Planned> {
  const locale = await organisationSpreadsheetLocale(db, actor);
  let reading;
  if (file.format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(file.text);
    } catch {
      return { plan: null, problems: [{ line: 1, reason: 'The file is not JSON: send an array of objects with the columns as keys.' }] };
    }
    const records = jsonToRecords(value);
    if (!records.ok) return { plan: null, problems: [{ line: 1, reason: records.reason }] };
    reading = readPeopleImport(records.records, catalog, { dateOrder: locale.dateOrder });
  } else {
    const parsed = parseCsv(file.text);
    // Each step of reading 50,000 rows takes a few hundred ms of CPU: let other requests in between.
    await yieldToOthers();
    reading = readPeopleImport(parsed.records, catalog, { dateOrder: locale.dateOrder, parseProblems: parsed.problems });
  }
  if (!reading.ok) return { plan: null, problems: reading.problems };
  await yieldToOthers();
  const plan = planPeopleImport(reading.rows, await currentOrganisation(db, actor), file.options);
  return plan.problems.length > 0 ? { plan: null, problems: plan.problems } : { plan, problems: [] };
}

/** Checks and plans a file and stores it as a preview, good or bad, so its page can be reopened. */
export async function previewPeopleImport(
  db: Db,
  ctx: ActionContext,
  file: PeopleFile,
  catalog: JobRoleCatalog,
): Promise<Outcome<{ id: number }>> {
  if (!canAdministerOrganisation(ctx.actor)) return forbidden();
  const planned = await planFile(db, ctx.actor, file, catalog);
  const [row] = await db
    .insert(peopleImports)
    .values({
      orgId: ctx.actor.orgId,
      createdByUserId: ctx.actor.id,
      fileName: file.fileName,
      format: file.format,
      source: file.text,
      options: file.options,
      plan: planned.plan as unknown as Record<string, unknown> | null,
      problems: planned.problems,
      status: 'previewed',
      createdAt: ctx.now,
    })
    .returning({ id: peopleImports.id });
  return ok({ id: row!.id });
}

/** Imports whose apply runs in this process now. */
const running = new Set<number>();
/** How far each running apply is: changes written so far (uncommitted, so only this process can tell). */
const progress = new Map<number, { done: number; total: number }>();
export type ApplyProgress = (done: number, total: number) => void;

export type ImportState = PeopleImport['status'] | 'interrupted';
export type PeopleImportView = {
  id: number;
  fileName: string;
  createdAt: Date;
  appliedAt: Date | null;
  options: PlanOptions;
  state: ImportState;
  error: string | null;
  plan: PeoplePlan | null;
  problems: PeopleImportProblem[];
  summary: PlanSummary | null;
  /** Changes written of the total; from another process only the total is known, the transaction being uncommitted. */
  progress: { done: number; total: number } | null;
  applyStartedAt: Date | null;
};

/**
 * How long an apply may run before any process reads it as interrupted. The
 * apply is one write transaction, so it cannot renew a heartbeat while it
 * runs (a second connection would wait for its lock); 50,000 people take
 * well under a minute (README Measured), so ten minutes is a wide margin.
 */
export const APPLY_LEASE_MS = 10 * 60_000;

function stateOf(row: Pick<PeopleImport, 'id' | 'status' | 'applyStartedAt'>, now: Date): ImportState {
  if (row.status !== 'applying') return row.status;
  // This process knows its own applies; for another process's, the row's claim time and the lease decide.
  if (running.has(row.id)) return 'applying';
  const started = row.applyStartedAt?.getTime() ?? 0;
  // An apply is one transaction: if its process ended mid-way, nothing of it was committed.
  return now.getTime() - started < APPLY_LEASE_MS ? 'applying' : 'interrupted';
}

type ViewRow = Omit<PeopleImport, 'source' | 'plan' | 'problems'> &
  Partial<Pick<PeopleImport, 'plan' | 'problems'>> & { summary?: PlanSummary | null };

function viewOf(row: ViewRow, now = new Date()): PeopleImportView {
  const plan = (row.plan ?? null) as unknown as PeoplePlan | null;
  const state = stateOf(row, now);
  const total = row.applyTotal ?? 0;
  return {
    id: row.id,
    fileName: row.fileName,
    createdAt: row.createdAt,
    appliedAt: row.appliedAt,
    options: row.options,
    state,
    error: row.error,
    plan,
    problems: row.problems ?? [],
    summary: row.summary ?? (plan ? planSummary(plan) : null),
    progress: progress.get(row.id) ?? (state === 'applying' ? { done: 0, total } : null),
    applyStartedAt: row.applyStartedAt,
  };
}

/**
 * A plan's summary counted by SQLite from the stored JSON, for a page that
 * needs the counts without the lists: an apply's page reloads every 2 s, and
 * parsing a 50,000-person plan (about 12 MB) into the web process each time
 * cost the importing process about 130 MB of peak memory (README Measured).
 */
const summaryInSql = sql<
  string | null
>`case when ${peopleImports.plan} is null then null else json_object('unchanged', ${peopleImports.plan} ->> '$.unchanged', ${sql.raw(
  Object.entries(PLAN_SUMMARY_LISTS)
    .map(([count, list]) => `'${count}', json_array_length(plan, '$.${list}')`)
    .join(', '),
)}) end`;
const summaryOf = (json: string | null) => (json === null ? null : (JSON.parse(json) as PlanSummary));

const withoutPlan = {
  id: peopleImports.id,
  orgId: peopleImports.orgId,
  createdByUserId: peopleImports.createdByUserId,
  fileName: peopleImports.fileName,
  format: peopleImports.format,
  options: peopleImports.options,
  status: peopleImports.status,
  error: peopleImports.error,
  createdAt: peopleImports.createdAt,
  appliedAt: peopleImports.appliedAt,
  applyStartedAt: peopleImports.applyStartedAt,
  applyTotal: peopleImports.applyTotal,
};

/** One import of the actor's organisation (admins only). */
export async function peopleImportView(db: Executor, actor: Actor, rawId: string | undefined): Promise<Outcome<PeopleImportView>> {
  if (!canAdministerOrganisation(actor)) return forbidden();
  const id = parseId(rawId);
  if (id === null) return notFound();
  const [row] = await db
    .select({ ...withoutPlan, summaryJson: summaryInSql })
    .from(peopleImports)
    .where(and(eq(peopleImports.id, id), eq(peopleImports.orgId, actor.orgId)))
    .limit(1);
  if (!row) return notFound();
  const { summaryJson, ...light } = row;
  // While it applies the page shows counts and progress only, so the plan stays in the database.
  if (stateOf(light, new Date()) === 'applying') return ok(viewOf({ ...light, summary: summaryOf(summaryJson) }));
  const [full] = await db
    .select({ plan: peopleImports.plan, problems: peopleImports.problems })
    .from(peopleImports)
    .where(eq(peopleImports.id, id))
    .limit(1);
  return ok(viewOf({ ...light, ...full }));
}

/** The organisation's recent imports, newest first, without their plans. */
export async function recentPeopleImports(
  db: Executor,
  actor: Actor,
): Promise<Outcome<Omit<PeopleImportView, 'plan' | 'problems' | 'summary'>[]>> {
  if (!canAdministerOrganisation(actor)) return forbidden();
  const rows = await db
    .select(withoutPlan)
    .from(peopleImports)
    .where(eq(peopleImports.orgId, actor.orgId))
    .orderBy(desc(peopleImports.id))
    .limit(20);
  return ok(rows.map((r) => ({ ...viewOf(r), plan: undefined, problems: undefined, summary: undefined })));
}

export type ApplyResult = { state: 'applied' | 'stale' | 'refused'; summary: PlanSummary | null };

/**
 * Starts applying an import in the background and returns at once; the page
 * shows progress from the row. Refused unless the import is a good preview
 * (or an interrupted apply, which wrote nothing).
 */
export async function startPeopleImport(
  db: Db,
  ctx: ActionContext,
  rawId: string | undefined,
  catalog: JobRoleCatalog,
): Promise<Outcome<{ id: number }>> {
  const view = await peopleImportView(db, ctx.actor, rawId);
  if (!view.ok) return view;
  const { id } = view.value;
  if (!['previewed', 'stale', 'interrupted'].includes(view.value.state) || !view.value.plan)
    return invalid({}, 'This import cannot be applied: upload the file again.', 409);
  const claimed = await db
    .update(peopleImports)
    .set({ status: 'applying', error: null, applyStartedAt: ctx.now, applyTotal: planTotal(view.value.plan) })
    .where(
      and(
        eq(peopleImports.id, id),
        // 'applying' only when its lease ran out (interrupted), so two processes cannot both start it.
        or(
          inArray(peopleImports.status, ['previewed', 'stale']),
          and(eq(peopleImports.status, 'applying'), lt(peopleImports.applyStartedAt, new Date(ctx.now.getTime() - APPLY_LEASE_MS))),
        ),
      ),
    )
    .returning({ id: peopleImports.id });
  if (claimed.length === 0 || running.has(id)) return invalid({}, 'This import is already being applied.', 409);
  running.add(id);
  void applyPeopleImport(db, ctx, id, catalog, (done, total) => progress.set(id, { done, total }))
    .catch(async (error: unknown) => {
      await db
        .update(peopleImports)
        .set({ status: 'failed', error: error instanceof Error ? error.message.slice(0, 500) : 'The import failed.' })
        .where(eq(peopleImports.id, id));
    })
    .finally(() => {
      running.delete(id);
      progress.delete(id);
    });
  return ok({ id });
}

/**
 * Applies an import: plans again against the current data inside one
 * transaction and writes only if the plan equals the stored preview. All or
 * nothing; an import whose plan is empty writes nothing but its state.
 */
export async function applyPeopleImport(
  db: Db,
  ctx: ActionContext,
  id: number,
  catalog: JobRoleCatalog,
  onProgress: ApplyProgress = () => {},
): Promise<ApplyResult> {
  const [row] = await db
    .select({
      fileName: peopleImports.fileName,
      format: peopleImports.format,
      source: peopleImports.source,
      options: peopleImports.options,
      // The stored JSON text as it is: compared with the fresh plan's JSON, never parsed (50,000 people make it about 10 MB).
      planJson: sql<string | null>`cast(${peopleImports.plan} as text)`,
    })
    .from(peopleImports)
    .where(and(eq(peopleImports.id, id), eq(peopleImports.orgId, ctx.actor.orgId)))
    .limit(1);
  if (!row || !row.planJson) return { state: 'refused', summary: null };
  // Hashed once, outside the transaction: argon2 per person would take minutes for 50,000 people,
  // and nobody knows this password (new people choose theirs from the invitation or a reset).
  const passwordHash = await hashPassword(generatePassword());
  return db.transaction(async (tx) => {
    const planned = await planFile(
      tx,
      ctx.actor,
      { text: row.source, format: row.format === 'json' ? 'json' : 'csv', options: row.options },
      catalog,
    );
    // Stored by previewPeopleImport as drizzle writes a json column: JSON.stringify of the plan.
    if (!planned.plan || JSON.stringify(planned.plan) !== row.planJson) {
      await tx
        .update(peopleImports)
        .set({
          status: planned.plan ? 'stale' : 'failed',
          plan: planned.plan as unknown as Record<string, unknown> | null,
          problems: planned.problems,
        })
        .where(eq(peopleImports.id, id));
      return { state: 'stale', summary: planned.plan ? planSummary(planned.plan) : null };
    }
    const plan = planned.plan;
    const summary = planSummary(plan);
    if (!planIsEmpty(plan)) await writePlan(tx, ctx, id, plan, passwordHash, onProgress);
    await writeActorAudit(tx, ctx, 'people.imported', { type: 'people_import', id }, { after: { fileName: row.fileName, ...summary } });
    await tx.update(peopleImports).set({ status: 'applied', appliedAt: ctx.now, error: null }).where(eq(peopleImports.id, id));
    return { state: 'applied', summary };
  });
}

/** Audit rows written a slice at a time as they are made, so 100,000 of them are never held at once. */
class AuditWriter {
  private pending: AuditEvent[] = [];
  private readonly tx: Tx;
  constructor(tx: Tx) {
    this.tx = tx;
  }
  async push(event: AuditEvent) {
    this.pending.push(event);
    if (this.pending.length >= INSERT_SLICE) await this.flush();
  }
  async flush() {
    if (this.pending.length === 0) return;
    const rows = this.pending.map(auditRow);
    this.pending = [];
    await insertRowsFromJson(this.tx, auditLog, rows);
  }
}

/** The changes an apply writes, the unit of its progress. */
const planTotal = (plan: PeoplePlan) =>
  plan.teamsToCreate.length +
  plan.create.length +
  plan.update.length +
  plan.join.length +
  plan.managers.length +
  plan.deactivate.length +
  plan.invite.length;

async function writePlan(tx: Tx, ctx: ActionContext, importId: number, plan: PeoplePlan, passwordHash: string, onProgress: ApplyProgress) {
  const total = planTotal(plan);
  let done = 0;
  const step = async (n = 1) => {
    const before = done;
    done += n;
    // Every slice, not every row: the page needs a figure, not a stream of them.
    if (n > 1 || done % INSERT_SLICE === 0 || done === total) onProgress(done, total);
    if (Math.floor(done / INSERT_SLICE) !== Math.floor(before / INSERT_SLICE)) await yieldToOthers();
  };
  const by = { orgId: ctx.actor.orgId, actorUserId: ctx.actor.id, ip: ctx.ip, at: ctx.now };
  const via = { importId };
  const audits = new AuditWriter(tx);

  for (let i = 0; i < plan.teamsToCreate.length; i += INSERT_SLICE) {
    const created = await insertRowsFromJson<typeof teams, { id: number; name: string }>(
      tx,
      teams,
      plan.teamsToCreate
        .slice(i, i + INSERT_SLICE)
        .map((name) => ({ orgId: ctx.actor.orgId, name, createdAt: ctx.now, updatedAt: ctx.now })),
      { returning: ['id', 'name'] },
    );
    await step(created.length);
    for (const t of created)
      await audits.push({ ...by, action: 'team.created', target: { type: 'team', id: t.id }, after: { name: t.name, ...via } });
  }

  // Kept only for the invitations, which need each new person's id and name.
  const toInvite = new Set(plan.invite);
  const invitees: { id: number; email: string; displayName: string; orgId: number }[] = [];
  for (let i = 0; i < plan.create.length; i += INSERT_SLICE) {
    const slice = plan.create.slice(i, i + INSERT_SLICE);
    const rows = await insertRowsFromJson<typeof users, { id: number; email: string; display_name: string }>(
      tx,
      users,
      slice.map((p) => ({
        orgId: ctx.actor.orgId,
        email: p.email,
        displayName: p.name,
        passwordHash,
        role: p.role,
        jobRole: p.jobRole,
        tier: p.tier,
        startDate: p.startDate,
        active: true,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })),
      { returning: ['id', 'email', 'display_name'] },
    );
    // Matched by email (unique): SQLite does not promise RETURNING rows in insertion order.
    const idOf = new Map(rows.map((r) => [r.email, r.id]));
    for (const r of rows)
      if (toInvite.has(r.email)) invitees.push({ id: r.id, email: r.email, displayName: r.display_name, orgId: ctx.actor.orgId });
    await step(rows.length);
    for (const p of slice) {
      await audits.push({
        ...by,
        action: 'user.created',
        target: { type: 'user', id: idOf.get(p.email)! },
        after: {
          email: p.email,
          displayName: p.name,
          role: p.role,
          jobRole: p.jobRole,
          tier: p.tier,
          startDate: p.startDate,
          active: true,
          ...via,
        },
      });
    }
  }

  for (const u of plan.update) {
    const set: Record<string, unknown> = { updatedAt: ctx.now };
    for (const c of u.changes) set[c.field === 'name' ? 'displayName' : c.field] = c.after;
    await tx.update(users).set(set).where(eq(users.id, u.id));
    // The same events as the one-by-one changes, so the log reads alike: profile, role, reactivation.
    const profile = u.changes.filter((c) => c.field !== 'role' && c.field !== 'active');
    const key = (f: string) => (f === 'name' ? 'displayName' : f);
    const target = { type: 'user' as const, id: u.id };
    if (profile.length > 0)
      await audits.push({
        ...by,
        action: 'user.updated',
        target,
        before: Object.fromEntries(profile.map((c) => [key(c.field), c.before])),
        after: { ...Object.fromEntries(profile.map((c) => [key(c.field), c.after])), ...via },
      });
    const role = u.changes.find((c) => c.field === 'role');
    if (role) {
      const endedSessions = await invalidateUserSessions(tx, u.id);
      await audits.push({
        ...by,
        action: 'user.role_changed',
        target,
        before: { role: role.before },
        after: { role: role.after, endedSessions, ...via },
      });
    }
    await step();
    if (u.changes.some((c) => c.field === 'active'))
      await audits.push({ ...by, action: 'user.activated', target, before: { active: false }, after: { active: true, ...via } });
  }

  const ids = new Map<string, number>();
  const teamIds = new Map<string, number>();
  if (plan.join.length + plan.managers.length > 0) {
    // Ids only: the whole organisation as the planner reads it would be every person's fields and teams again.
    const people = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.orgId, ctx.actor.orgId));
    for (const p of people) ids.set(p.email, p.id);
    const teamRows = await tx.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.orgId, ctx.actor.orgId));
    for (const t of teamRows) teamIds.set(t.name.toLowerCase(), t.id);
  }
  for (let i = 0; i < plan.join.length; i += INSERT_SLICE) {
    const slice = plan.join
      .slice(i, i + INSERT_SLICE)
      .map((j) => ({ teamId: teamIds.get(j.team.toLowerCase())!, userId: ids.get(j.email)! }));
    await insertRowsFromJson(
      tx,
      teamMemberships,
      slice.map((m) => ({ ...m, createdAt: ctx.now })),
      { ignoreConflicts: true },
    );
    await step(slice.length);
    for (const m of slice)
      await audits.push({
        ...by,
        action: 'team.member_added',
        target: { type: 'team', id: m.teamId },
        after: { userId: m.userId, ...via },
      });
  }
  for (const m of plan.managers) {
    const teamId = teamIds.get(m.team.toLowerCase())!;
    const managerUserId = ids.get(m.after)!;
    await tx.update(teams).set({ managerUserId, updatedAt: ctx.now }).where(eq(teams.id, teamId));
    await step();
    await audits.push({
      ...by,
      action: 'team.manager_changed',
      target: { type: 'team', id: teamId },
      before: { manager: m.before },
      after: { manager: m.after, ...via },
    });
  }
  for (const d of plan.deactivate) {
    await tx.update(users).set({ active: false, updatedAt: ctx.now }).where(eq(users.id, d.id));
    const endedSessions = await invalidateUserSessions(tx, d.id);
    await revokeAccountLinksOf(tx, d.id, ctx.now);
    await step();
    await audits.push({
      ...by,
      action: 'user.deactivated',
      target: { type: 'user', id: d.id },
      before: { active: true },
      after: { active: false, endedSessions, ...via },
    });
  }
  await audits.flush();

  for (let i = 0; i < invitees.length; i += INSERT_SLICE) {
    const slice = invitees.slice(i, i + INSERT_SLICE);
    await invitePeople(tx, ctx, slice);
    await step(slice.length);
  }
}
