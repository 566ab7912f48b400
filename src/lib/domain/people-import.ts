// The rules of the people import from HR: the columns, how a file (CSV records
// or a script's JSON) is read and checked whole, and the plan of what applying
// it would do against the organisation as it is now. Pure: the server feature
// (src/lib/server/people-import/) stores the upload and the plan, and writes.
// The same planner runs for the preview and again inside the apply, so what
// the preview shows is what is written (ADR 026).
import { z } from 'zod';
import { USER_ROLES, type UserRole } from './access.ts';
import type { CsvProblem, CsvRecord } from './csv.ts';
import { emailAddress, personName, requiredText } from './fields.ts';
import { isValidPosition, type JobRoleCatalog } from './job-roles.ts';
import { readSpreadsheetDate, type DateOrder } from './spreadsheet-locale.ts';

export const PEOPLE_IMPORT_COLUMNS = ['email', 'name', 'role', 'job_role', 'tier', 'start_date', 'team', 'manages'] as const;
export type PeopleImportColumn = (typeof PEOPLE_IMPORT_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly PeopleImportColumn[] = ['email', 'name', 'role'];
export const MAX_PEOPLE_IMPORT_ROWS = 100_000;
export const MAX_PEOPLE_IMPORT_BYTES = 20 * 1024 * 1024;

/** One good row of the file. null: the cell is empty (cleared); undefined: the file has no such column (left as it is). */
export interface PeopleImportRow {
  line: number;
  email: string;
  name: string;
  role: UserRole;
  jobRole?: string | null;
  tier?: string | null;
  startDate?: string | null;
  team?: string | null;
  manages?: string | null;
}

export type PeopleImportProblem = CsvProblem;
export type PeopleImportReading = { ok: true; rows: PeopleImportRow[] } | { ok: false; problems: PeopleImportProblem[] };

const teamName = requiredText(80, 'Enter a team name.');
const roleField = z.enum(USER_ROLES, { error: `Use one of ${USER_ROLES.join(', ')}.` });

const firstIssue = (error: z.ZodError) => error.issues[0]?.message ?? 'Not valid.';

/**
 * Checks a whole file: every bad row is reported with its line and reasons,
 * and a file with any problem reads as nothing at all (it is refused whole).
 */
export function readPeopleImport(
  records: readonly CsvRecord[],
  catalog: JobRoleCatalog,
  options: { dateOrder?: DateOrder | null; parseProblems?: readonly CsvProblem[] } = {},
): PeopleImportReading {
  const problems: PeopleImportProblem[] = [...(options.parseProblems ?? [])];
  const [header, ...data] = records;
  if (!header) return { ok: false, problems: [{ line: 1, reason: 'The file is empty: the first line must name the columns.' }] };
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const unknown = names.filter((n) => !(PEOPLE_IMPORT_COLUMNS as readonly string[]).includes(n));
  if (unknown.length > 0)
    problems.push({
      line: header.line,
      reason: `Unknown column${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `"${n}"`).join(', ')}: the columns are ${PEOPLE_IMPORT_COLUMNS.join(', ')}.`,
    });
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0)
    problems.push({ line: header.line, reason: `The file has no ${missing.join(', ')} column: add it to the first line.` });
  const duplicated = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicated.length > 0) problems.push({ line: header.line, reason: `The column "${duplicated[0]}" is named twice.` });
  if (data.length > MAX_PEOPLE_IMPORT_ROWS)
    problems.push({
      line: header.line,
      reason: `The file has ${data.length} rows; the limit is ${MAX_PEOPLE_IMPORT_ROWS}: split it into smaller files.`,
    });
  if (problems.length > 0) return { ok: false, problems };

  const at = (c: PeopleImportColumn) => names.indexOf(c);
  const rows: PeopleImportRow[] = [];
  const emailLines = new Map<string, number>();
  const managesLines = new Map<string, number>();
  for (const record of data) {
    const reasons: string[] = [];
    const cell = (c: PeopleImportColumn): string | undefined => (at(c) < 0 ? undefined : (record.cells[at(c)] ?? '').trim());
    const email = emailAddress.safeParse(cell('email'));
    if (!email.success) reasons.push(`email: ${firstIssue(email.error)}`);
    const name = personName.safeParse(cell('name'));
    if (!name.success) reasons.push(`name: ${firstIssue(name.error)}`);
    const role = roleField.safeParse(cell('role')?.toLowerCase());
    if (!role.success) reasons.push(`role: "${cell('role')}" is not a role. ${firstIssue(role.error)}`);
    const optional = (c: PeopleImportColumn) => {
      const v = cell(c);
      return v === undefined ? undefined : v === '' ? null : v;
    };
    const jobRole = optional('job_role')?.toLowerCase() ?? (at('job_role') < 0 ? undefined : null);
    const tier = optional('tier')?.toLowerCase() ?? (at('tier') < 0 ? undefined : null);
    if ((jobRole === undefined) !== (tier === undefined)) reasons.push('job_role and tier come together: add both columns, or neither.');
    else if (jobRole !== undefined && (jobRole === null) !== (tier === null))
      reasons.push('job_role and tier are both filled in or both empty.');
    else if (jobRole && tier && !isValidPosition(catalog, jobRole, tier))
      reasons.push(`job_role/tier: "${jobRole}" with tier "${tier}" is not a job role and tier of the guides.`);
    let startDate = optional('start_date');
    if (startDate) {
      const read = readSpreadsheetDate(startDate, options.dateOrder ?? null);
      if (read.ok) startDate = read.date;
      else reasons.push(`start_date: ${read.reason}`);
    }
    const teamOf = (c: 'team' | 'manages') => {
      const v = optional(c);
      if (!v) return v;
      const parsed = teamName.safeParse(v);
      if (!parsed.success) reasons.push(`${c}: ${firstIssue(parsed.error)}`);
      return parsed.success ? parsed.data : v;
    };
    const team = teamOf('team');
    const manages = teamOf('manages');
    if (manages && role.success && role.data === 'member')
      reasons.push(`manages: a member cannot manage "${manages}"; make the role manager.`);
    if (email.success) {
      const earlier = emailLines.get(email.data);
      if (earlier !== undefined) reasons.push(`email: ${email.data} is already on line ${earlier}.`);
      else emailLines.set(email.data, record.line);
    }
    if (manages && !(role.success && role.data === 'member')) {
      const key = manages.toLowerCase();
      const earlier = managesLines.get(key);
      if (earlier !== undefined) reasons.push(`manages: "${manages}" is already given a manager on line ${earlier}.`);
      else managesLines.set(key, record.line);
    }
    if (reasons.length > 0 || !email.success || !name.success || !role.success) {
      problems.push({ line: record.line, reason: reasons.join(' ') });
      continue;
    }
    rows.push({ line: record.line, email: email.data, name: name.data, role: role.data, jobRole, tier, startDate, team, manages });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}

/**
 * A script's JSON (an array of objects with the columns as keys) as CSV-like
 * records, so it is read by the same rules. Line numbers are the item's
 * position counted from 2, as if the array were a file under a header.
 */
export function jsonToRecords(value: unknown): { ok: true; records: CsvRecord[] } | { ok: false; reason: string } {
  if (!Array.isArray(value)) return { ok: false, reason: 'Send a JSON array of people, each an object with the columns as keys.' };
  const keys = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      return { ok: false, reason: 'Every item of the array must be an object with the columns as keys.' };
    for (const k of Object.keys(item)) keys.add(k);
  }
  const header = [...keys];
  const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v));
  return {
    ok: true,
    records: [
      { line: 1, cells: header },
      ...value.map((item: Record<string, unknown>, i) => ({ line: i + 2, cells: header.map((k) => text(item[k])) })),
    ],
  };
}

// --- the plan -------------------------------------------------------------------

export interface CurrentPerson {
  id: number;
  email: string;
  name: string;
  role: UserRole;
  jobRole: string | null;
  tier: string | null;
  startDate: string | null;
  active: boolean;
  /** Lower-cased names of the teams the person is a member of. */
  teams: readonly string[];
}

export interface CurrentTeam {
  id: number;
  name: string;
  managerEmail: string | null;
}

export interface CurrentOrganisation {
  people: readonly CurrentPerson[];
  teams: readonly CurrentTeam[];
  /** The importing admin: never deactivated nor demoted by their own import. */
  actorEmail: string;
}

export interface PlanOptions {
  deactivateAbsent: boolean;
  invite: boolean;
}

export const PERSON_FIELDS = ['name', 'role', 'jobRole', 'tier', 'startDate', 'active'] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];
export type FieldChange = { field: PersonField; before: string | boolean | null; after: string | boolean | null };

export type NewPerson = {
  line: number;
  email: string;
  name: string;
  role: UserRole;
  jobRole: string | null;
  tier: string | null;
  startDate: string | null;
};

export interface PeoplePlan {
  create: NewPerson[];
  update: { line: number; id: number; email: string; changes: FieldChange[] }[];
  unchanged: number;
  /** Team names as the file spells them, first spelling wins. */
  teamsToCreate: string[];
  /** Memberships to add: email → team name. */
  join: { email: string; team: string }[];
  managers: { team: string; before: string | null; after: string }[];
  deactivate: { id: number; email: string; name: string }[];
  /** Emails of the new people to invite (empty when the option is off). */
  invite: string[];
  /** Rows refused against the current data (e.g. the admin demoting themselves). */
  problems: PeopleImportProblem[];
}

/** What applying `rows` to `current` would change. Deterministic: the same inputs give the same plan. */
export function planPeopleImport(rows: readonly PeopleImportRow[], current: CurrentOrganisation, options: PlanOptions): PeoplePlan {
  const byEmail = new Map(current.people.map((p) => [p.email, p]));
  const teamsByName = new Map(current.teams.map((t) => [t.name.toLowerCase(), t]));
  const plan: PeoplePlan = {
    create: [],
    update: [],
    unchanged: 0,
    teamsToCreate: [],
    join: [],
    managers: [],
    deactivate: [],
    invite: [],
    problems: [],
  };
  const newTeams = new Map<string, string>();
  const needTeam = (name: string) => {
    const key = name.toLowerCase();
    if (!teamsByName.has(key) && !newTeams.has(key)) newTeams.set(key, name);
    return teamsByName.get(key)?.name ?? newTeams.get(key)!;
  };
  for (const row of rows) {
    const existing = byEmail.get(row.email);
    if (existing && row.email === current.actorEmail && row.role !== 'admin') {
      plan.problems.push({ line: row.line, reason: `role: this is your own account; an import cannot take away your admin role.` });
      continue;
    }
    let touched = false;
    if (!existing) {
      plan.create.push({
        line: row.line,
        email: row.email,
        name: row.name,
        role: row.role,
        jobRole: row.jobRole ?? null,
        tier: row.tier ?? null,
        startDate: row.startDate ?? null,
      });
      if (options.invite) plan.invite.push(row.email);
    } else {
      const after: Record<PersonField, string | boolean | null> = {
        name: row.name,
        role: row.role,
        jobRole: row.jobRole === undefined ? existing.jobRole : row.jobRole,
        tier: row.tier === undefined ? existing.tier : row.tier,
        startDate: row.startDate === undefined ? existing.startDate : row.startDate,
        // Someone in the HR file works here: a deactivated account comes back.
        active: true,
      };
      const changes = PERSON_FIELDS.filter((f) => existing[f] !== after[f]).map((f) => ({
        field: f,
        before: existing[f],
        after: after[f],
      }));
      if (changes.length > 0) {
        plan.update.push({ line: row.line, id: existing.id, email: row.email, changes });
        touched = true;
      }
    }
    if (row.team) {
      const team = needTeam(row.team);
      if (!existing || !existing.teams.includes(team.toLowerCase())) {
        plan.join.push({ email: row.email, team });
        touched = true;
      }
    }
    if (row.manages) {
      const team = needTeam(row.manages);
      const before = teamsByName.get(team.toLowerCase())?.managerEmail ?? null;
      if (before !== row.email) {
        plan.managers.push({ team, before, after: row.email });
        touched = true;
      }
    }
    if (existing && !touched) plan.unchanged++;
  }
  plan.teamsToCreate = [...newTeams.values()];
  if (options.deactivateAbsent) {
    const inFile = new Set(rows.map((r) => r.email));
    plan.deactivate = current.people
      .filter((p) => p.active && !inFile.has(p.email) && p.email !== current.actorEmail)
      .map((p) => ({ id: p.id, email: p.email, name: p.name }));
  }
  return plan;
}

/** True when applying the plan writes nothing. */
export const planIsEmpty = (plan: PeoplePlan) =>
  plan.create.length + plan.update.length + plan.teamsToCreate.length + plan.join.length + plan.managers.length + plan.deactivate.length ===
  0;

/** Each count of a plan's summary and the list of the plan it counts. */
export const PLAN_SUMMARY_LISTS = {
  created: 'create',
  updated: 'update',
  teamsCreated: 'teamsToCreate',
  joined: 'join',
  managersChanged: 'managers',
  deactivated: 'deactivate',
  invited: 'invite',
} as const satisfies Record<string, keyof PeoplePlan>;

export type PlanSummary = Record<keyof typeof PLAN_SUMMARY_LISTS, number> & { unchanged: number };

/** The counts a preview and the import's audit row show. */
export const planSummary = (plan: PeoplePlan): PlanSummary => {
  const summary = { unchanged: plan.unchanged } as PlanSummary;
  for (const [count, list] of Object.entries(PLAN_SUMMARY_LISTS) as [keyof typeof PLAN_SUMMARY_LISTS, keyof PeoplePlan][])
    summary[count] = (plan[list] as unknown[]).length;
  return summary;
};
