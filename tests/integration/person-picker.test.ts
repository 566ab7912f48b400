// The person pickers' reads against a real database (decision 043): a name
// or an email prefix, ASCII case aside, merged in name order and never twice;
// each feature's scope (managers for a team, colleagues of the new hire for a
// buddy, people without an active plan for a new plan), inactive people and
// other organisations never offered, the chosen person always offered.
import { beforeAll, describe, expect, it } from 'vitest';
import { teamMemberships, teams, users } from '#server/db/schema.ts';
import { pickPeople } from '#server/search/queries.ts';
import { managerChoices } from '#server/teams/index.ts';
import { PICKER_LIMIT } from '#domain/people-search.ts';
import { demoDatabaseForFile, demoPersonas, seedOtherOrganisation } from '../support/db.ts';

const t = demoDatabaseForFile('person-picker');
let p: Awaited<ReturnType<typeof demoPersonas>>;
const ids = new Map<string, number>();
let teamId = 0;

beforeAll(async () => {
  p = await demoPersonas(t.db);
  const orgId = p.admin.orgId;
  const add = async (displayName: string, email: string, role: 'manager' | 'member' = 'member', active = true) => {
    const [row] = await t.db.insert(users).values({ orgId, email, displayName, passwordHash: 'x', role, active }).returning();
    ids.set(displayName, row!.id);
    return row!.id;
  };
  const [team] = await t.db.insert(teams).values({ orgId, name: 'Picker squad' }).returning();
  teamId = team!.id;
  const squad = [
    await add('Quill Aster', 'qa@picker.test'),
    await add('quill byrne', 'qb@picker.test'),
    await add('Rhea Quill', 'quill.rhea@picker.test'), // an email match only
    await add('Quill Gone', 'qg@picker.test', 'member', false),
    await add('Quill Hire', 'qh@picker.test'),
  ];
  await t.db.insert(teamMemberships).values(squad.map((userId) => ({ teamId, userId })));
  await add('Quill Outsider', 'qo@picker.test');
  await add('Quill Lead', 'ql@picker.test', 'manager');
  await add('Quill Former Lead', 'qfl@picker.test', 'manager', false);
  for (let i = 0; i < PICKER_LIMIT + 3; i += 1) await add(`Quorum ${String(i).padStart(2, '0')}`, `quorum${i}@picker.test`, 'manager');
  const other = await seedOtherOrganisation(t.db, { now: new Date(), passwordHash: 'x' });
  await t.db
    .insert(users)
    .values({ orgId: other.orgId, email: 'quill@other.test', displayName: 'Quill Elsewhere', passwordHash: 'x', role: 'member' });
});

const names = (rows: { displayName: string }[]) => rows.map((r) => r.displayName);

describe('the picker read', () => {
  it('matches a name or an email prefix in any ASCII case, by name, once each, active people of the organisation only', async () => {
    const found = await pickPeople(t.db, p.admin.orgId, 'quill', {}, 50);
    expect(names(found)).toEqual(['Quill Aster', 'quill byrne', 'Quill Hire', 'Quill Lead', 'Quill Outsider', 'Rhea Quill']);
    // An email prefix alone, and the same person through both ranges listed once.
    expect(names(await pickPeople(t.db, p.admin.orgId, 'quill.', {}, 50))).toEqual(['Rhea Quill']);
    expect(names(await pickPeople(t.db, p.admin.orgId, 'qa@', {}, 50))).toEqual(['Quill Aster']);
  });

  it('reads one past the limit, so the caller knows there are more', async () => {
    expect(await pickPeople(t.db, p.admin.orgId, 'quorum', {}, PICKER_LIMIT)).toHaveLength(PICKER_LIMIT + 1);
  });

  it('offers as buddies only active colleagues in the new hire’s teams, never the new hire', async () => {
    const hire = ids.get('Quill Hire')!;
    expect(names(await pickPeople(t.db, p.admin.orgId, 'QUILL B', { teammatesOf: hire }, 50))).toEqual(['quill byrne']);
    expect(names(await pickPeople(t.db, p.admin.orgId, null, { teammatesOf: hire }, 50))).toEqual([
      'Quill Aster',
      'quill byrne',
      'Rhea Quill',
    ]);
  });

  it('offers as team managers only active managers, and keeps the chosen one whatever the search', async () => {
    const lead = ids.get('Quill Lead')!;
    const answer = await managerChoices(t.db, p.admin, 'quill', null);
    expect(answer.ok && names(answer.value.people)).toEqual(['Quill Lead']);
    const kept = await managerChoices(t.db, p.admin, 'quorum', lead);
    if (!kept.ok) throw new Error('refused');
    expect(kept.value).toMatchObject({ q: 'quorum', matched: PICKER_LIMIT, more: true });
    expect(kept.value.people[0]!.id).toBe(lead);
    expect(await managerChoices(t.db, p.manager, null, null)).toMatchObject({ ok: false, status: 403 });
  });
});
