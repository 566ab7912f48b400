import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCsv, toCsv } from '#domain/csv.ts';
import type { JobRoleCatalog } from '#domain/job-roles.ts';
import {
  jsonToRecords,
  planIsEmpty,
  planPeopleImport,
  readPeopleImport,
  type CurrentOrganisation,
  type CurrentPerson,
  type PeoplePlan,
  type PeopleImportRow,
} from '#domain/people-import.ts';

const catalog = [
  {
    slug: 'operations-coordinator',
    title: 'Operations coordinator',
    tiers: [
      { id: 'junior', title: 'Junior' },
      { id: 'senior', title: 'Senior' },
    ],
    fromGuide: true,
  },
] as unknown as JobRoleCatalog;

const admin: CurrentPerson = {
  id: 1,
  email: 'admin@x.test',
  name: 'Ada Admin',
  role: 'admin',
  jobRole: null,
  tier: null,
  startDate: null,
  active: true,
  teams: [],
};
const empty: CurrentOrganisation = { people: [admin], teams: [], actorEmail: admin.email };
const options = { deactivateAbsent: false, invite: false };

const read = (text: string) => {
  const parsed = parseCsv(text);
  return readPeopleImport(parsed.records, catalog, { parseProblems: parsed.problems });
};

/** What the server's apply does, on the in-memory model: the property tests' reference. */
function applyInMemory(state: CurrentOrganisation, plan: PeoplePlan): CurrentOrganisation {
  let nextId = Math.max(0, ...state.people.map((p) => p.id)) + 1;
  let nextTeam = Math.max(0, ...state.teams.map((t) => t.id)) + 1;
  const teams = [
    ...state.teams.map((t) => ({ ...t })),
    ...plan.teamsToCreate.map((name) => ({ id: nextTeam++, name, managerEmail: null })),
  ];
  const people = state.people.map((p) => ({ ...p, teams: [...p.teams] }));
  for (const c of plan.create)
    people.push({
      id: nextId++,
      email: c.email,
      name: c.name,
      role: c.role,
      jobRole: c.jobRole,
      tier: c.tier,
      startDate: c.startDate,
      active: true,
      teams: [],
    });
  for (const u of plan.update) {
    const p = people.find((x) => x.id === u.id)!;
    for (const ch of u.changes) (p as Record<string, unknown>)[ch.field] = ch.after;
  }
  for (const j of plan.join) people.find((p) => p.email === j.email)!.teams.push(j.team.toLowerCase());
  for (const m of plan.managers) teams.find((t) => t.name.toLowerCase() === m.team.toLowerCase())!.managerEmail = m.after;
  for (const d of plan.deactivate) people.find((p) => p.id === d.id)!.active = false;
  return { people, teams, actorEmail: state.actorEmail };
}

describe('reading a people file', () => {
  it('reads a good file with a semicolon, a BOM and a day-first date', () => {
    const parsed = parseCsv(
      '\uFEFFemail;name;role;job_role;tier;start_date;team;manages\nTom@X.test;Tom Becker;Manager;operations-coordinator;senior;01/11/2026;Night shift;Night shift\n',
    );
    const result = readPeopleImport(parsed.records, catalog, { dateOrder: 'day-first' });
    expect(result).toEqual({
      ok: true,
      rows: [
        {
          line: 2,
          email: 'tom@x.test',
          name: 'Tom Becker',
          role: 'manager',
          jobRole: 'operations-coordinator',
          tier: 'senior',
          startDate: '2026-11-01',
          team: 'Night shift',
          manages: 'Night shift',
        },
      ],
    });
  });

  it('reports every bad row with its line and reason, and refuses the file whole', () => {
    const result = read(
      'email,name,role,job_role,tier\nnot-an-email,A,member,,\nb@x.test,,boss,,\nc@x.test,C,member,pilot,senior\nc@x.test,C,member,,\nd@x.test,D,member,,\n',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(result.problems[1]!.reason).toMatch(/name: Enter a name\..*role: "boss" is not a role/);
    expect(result.problems[2]!.reason).toMatch(/"pilot" with tier "senior" is not a job role/);
    expect(result.problems[3]!.reason).toMatch(/already on line 4/);
  });

  it('names unknown and missing columns', () => {
    const result = read('email,nmae,role\na@x.test,A,member\n');
    expect(result).toMatchObject({
      ok: false,
      problems: [
        { line: 1, reason: expect.stringMatching(/Unknown column "nmae"/) },
        { line: 1, reason: expect.stringMatching(/no name column/) },
      ],
    });
    const noName = read('email,nmae,role\n');
    expect(noName.ok).toBe(false);
  });

  it('refuses a member who manages a team, and two managers for one team', () => {
    const result = read('email,name,role,manages\na@x.test,A,member,Ops\nb@x.test,B,manager,ops\nc@x.test,C,manager,Ops\n');
    expect(result).toMatchObject({ ok: false, problems: [{ line: 2 }, { line: 4, reason: expect.stringMatching(/line 3/) }] });
  });

  it('reads a JSON array by the same rules, numbering items like lines', () => {
    const records = jsonToRecords([
      { email: 'a@x.test', name: 'A', role: 'member' },
      { email: 'bad', name: 'B', role: 'member' },
    ]);
    expect(records.ok).toBe(true);
    if (!records.ok) return;
    expect(readPeopleImport(records.records, catalog)).toMatchObject({ ok: false, problems: [{ line: 3 }] });
    expect(jsonToRecords({ email: 'a' })).toMatchObject({ ok: false });
  });
});

describe('planning an import', () => {
  const rows = (text: string) => {
    const r = read(text);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.rows;
  };

  it('lists people to create and to update field by field, teams to create and managers to change', () => {
    const state: CurrentOrganisation = {
      people: [
        admin,
        { id: 2, email: 'tom@x.test', name: 'Tom', role: 'member', jobRole: null, tier: null, startDate: null, active: false, teams: [] },
      ],
      teams: [{ id: 1, name: 'Day shift', managerEmail: null }],
      actorEmail: admin.email,
    };
    const plan = planPeopleImport(
      rows('email,name,role,team,manages\ntom@x.test,Tom Becker,manager,day shift,Day shift\nana@x.test,Ana,member,Night,\n'),
      state,
      { deactivateAbsent: true, invite: true },
    );
    expect(plan.create.map((c) => c.email)).toEqual(['ana@x.test']);
    expect(plan.update).toEqual([
      {
        line: 2,
        id: 2,
        email: 'tom@x.test',
        changes: [
          { field: 'name', before: 'Tom', after: 'Tom Becker' },
          { field: 'role', before: 'member', after: 'manager' },
          { field: 'active', before: false, after: true },
        ],
      },
    ]);
    expect(plan.teamsToCreate).toEqual(['Night']);
    expect(plan.join).toEqual([
      { email: 'tom@x.test', team: 'Day shift' },
      { email: 'ana@x.test', team: 'Night' },
    ]);
    expect(plan.managers).toEqual([{ team: 'Day shift', before: null, after: 'tom@x.test' }]);
    expect(plan.invite).toEqual(['ana@x.test']);
    // The importing admin is not in the file but is never deactivated by it.
    expect(plan.deactivate).toEqual([]);
  });

  it('refuses to take away the importing admin’s own role', () => {
    const plan = planPeopleImport(rows('email,name,role\nadmin@x.test,Ada Admin,member\n'), empty, options);
    expect(plan.problems).toMatchObject([{ line: 2, reason: expect.stringMatching(/your own account/) }]);
  });
});

// --- properties ------------------------------------------------------------------------

const emailArb = fc.constantFrom('a@x.test', 'b@x.test', 'c@x.test', 'd@x.test', 'admin@x.test', 'e@x.test');
const teamArb = fc.constantFrom('', 'Ops', 'ops', 'Night', 'Day shift');
const rowArb = fc.record({
  email: emailArb,
  name: fc.constantFrom('Ann', 'Bo', 'Cy Dee'),
  role: fc.constantFrom('admin', 'manager', 'member'),
  job_role: fc.constantFrom('', 'operations-coordinator'),
  tier: fc.constantFrom('junior', 'senior'),
  start_date: fc.constantFrom('', '2026-01-05', '2025-12-31'),
  team: teamArb,
  manages: teamArb,
});
const fileArb = fc.uniqueArray(rowArb, { selector: (r) => r.email, maxLength: 6 }).map((rs) => {
  const seen = new Set<string>();
  return rs.map((r) => {
    const manages = r.role === 'member' || seen.has(r.manages.toLowerCase()) ? '' : r.manages;
    if (manages) seen.add(manages.toLowerCase());
    return { ...r, tier: r.job_role ? r.tier : '', manages, role: r.email === 'admin@x.test' ? 'admin' : r.role };
  });
});
const csvOf = (rs: Record<string, string>[]) =>
  toCsv([
    ['email', 'name', 'role', 'job_role', 'tier', 'start_date', 'team', 'manages'],
    ...rs.map((r) => [r.email, r.name, r.role, r.job_role, r.tier, r.start_date, r.team, r.manages]),
  ]);
const stateArb = fc.record({ deactivateAbsent: fc.boolean(), invite: fc.boolean() });

describe('import properties', () => {
  it('a file with any bad row reads as nothing (so nothing can be written)', () => {
    const badRow = fc.constantFrom(
      ['bad', 'X', 'member'],
      ['z@x.test', '', 'member'],
      ['z@x.test', 'Z', 'chief'],
      ['a@x.test', 'Again', 'member'],
    );
    fc.assert(
      fc.property(fileArb, badRow, fc.nat(), (rs, bad, at) => {
        const good = rs.filter((r) => r.email !== 'a@x.test').map((r) => [r.email, r.name, r.role]);
        const lines: string[][] = [...good];
        lines.splice(at % (lines.length + 1), 0, [...bad]);
        if (bad[0] === 'a@x.test') lines.push(['a@x.test', 'First', 'member']);
        const result = read(toCsv([['email', 'name', 'role'], ...lines]));
        expect(result.ok).toBe(false);
      }),
    );
  });

  it('importing twice equals importing once', () => {
    fc.assert(
      fc.property(fileArb, stateArb, (rs, opts) => {
        const rows: PeopleImportRow[] = (read(csvOf(rs)) as { ok: true; rows: PeopleImportRow[] }).rows;
        expect(rows).toBeDefined();
        const once = applyInMemory(empty, planPeopleImport(rows, empty, opts));
        const second = planPeopleImport(rows, once, opts);
        expect(planIsEmpty(second)).toBe(true);
        expect(applyInMemory(once, second)).toEqual(once);
      }),
    );
  });
});
