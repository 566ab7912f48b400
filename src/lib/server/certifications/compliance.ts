// The compliance matrix page and its CSV export: people x certifications of
// the teams an actor oversees, with the GET filters (team, state,
// certification) and the export's rows.
import { CERT_STATES, type CertState, type ComplianceMatrix, type CompliancePerson } from '#domain/certifications.ts';
import type { IsoDate } from '#domain/calendar.ts';
import { canOverseeTeams, isAdmin, manageableTeams, type Actor } from '#domain/access.ts';
import { parseId } from '#domain/fields.ts';
import type { CertificationContent } from '#catalog/catalogs.ts';
import type { Executor } from '#server/db/client.ts';
import { forbidden, notFound, ok, type Outcome } from '#server/outcome.ts';
import { actableTeams } from '#server/teams/queries.ts';
import { parseListQuery, startsWithNocase, type Cursor } from '#domain/paging.ts';
import { pageOfPeople } from '#server/search/queries.ts';
import { complianceMatrixFor, loadCertificationSettings, type CertificationSettings } from './queries.ts';

export type ComplianceFilters = { teamId: number | null; states: CertState[]; certificationId: string | null };

export type ComplianceView = ComplianceMatrix & {
  today: IsoDate;
  settings: CertificationSettings;
  teams: { id: number; name: string }[];
  filters: ComplianceFilters;
  /** Filter values that were not understood and were ignored. */
  ignored: string[];
  /** The certification filter's choices: every certification of the catalog. */
  certifications: { id: string; name: string }[];
  /** The name-prefix search of the paged whole-organisation matrix (null when none or not paged). */
  q: string | null;
  /** Neighbouring pages when the matrix is the admin's whole organisation, a page at a time; null when it is one page. */
  paging: { next: Cursor | null; previous: Cursor | null } | null;
};

/** Reads the GET filters; a team outside the actor's teams is "not found" (a tampered id), other unknown values are ignored and named. */
export function parseComplianceFilters(params: URLSearchParams, content: CertificationContent) {
  const ignored: string[] = [];
  const rawTeam = params.get('team') ?? '';
  const teamId = rawTeam === '' ? null : parseId(rawTeam);
  const states: CertState[] = [];
  for (const s of params.getAll('state')) {
    if (s === '') continue;
    if ((CERT_STATES as readonly string[]).includes(s)) states.push(s as CertState);
    else ignored.push(`state "${s.slice(0, 40)}"`);
  }
  const rawCert = params.get('certification') ?? '';
  let certificationId: string | null = null;
  if (rawCert !== '') {
    if (content.catalog.has(rawCert)) certificationId = rawCert;
    else ignored.push(`certification "${rawCert.slice(0, 40)}"`);
  }
  return { teamId, badTeam: rawTeam !== '' && teamId === null, states: [...new Set(states)], certificationId, ignored };
}

/** The matrix page and the CSV export on the organisation's `today`: managers see their teams, admins every team. */
export async function complianceMatrixView(
  db: Executor,
  actor: Actor,
  params: URLSearchParams,
  content: CertificationContent,
  today: IsoDate,
  options: { paged?: boolean } = {},
): Promise<Outcome<ComplianceView>> {
  if (!canOverseeTeams(actor)) return forbidden();
  const orgTeams = await actableTeams(db, actor);
  const mine = manageableTeams(actor, orgTeams);
  const parsed = parseComplianceFilters(params, content);
  if (parsed.badTeam) return notFound();
  const selected = parsed.teamId === null ? mine : mine.filter((t) => t.id === parsed.teamId);
  if (parsed.teamId !== null && selected.length === 0) return notFound();
  const settings = await loadCertificationSettings(db, actor.orgId);
  // The admin's whole organisation, on the page, is read a page of people at a time; a team, a manager's teams and the export are whole.
  const list = options.paged && isAdmin(actor) && parsed.teamId === null ? parseListQuery(params) : null;
  let paging: ComplianceView['paging'] = null;
  let people: CompliancePerson[] | undefined;
  if (list) {
    const names = new Map(orgTeams.map((t) => [t.id, t.name]));
    const page = await pageOfPeople(
      db,
      actor.orgId,
      { q: list.q, jobRole: null, tier: null, teamId: null, excludeId: null, inAnyTeam: true },
      list.page,
    );
    people = page.items.map((p) => ({
      id: p.id,
      name: p.name,
      jobRole: p.jobRole,
      tier: p.tier,
      teamId: p.teamIds[0]!,
      teamName: names.get(p.teamIds[0]!) ?? '',
    }));
    paging = { next: page.next, previous: page.previous };
  }
  const matrix = await complianceMatrixFor(db, actor.orgId, selected, today, settings, content, parsed, people);
  // The export is whole, but holds only the people the page's name search finds (the page searches the admin's whole organisation).
  const exportQ = !options.paged && isAdmin(actor) && parsed.teamId === null ? parseListQuery(params).q : null;
  if (exportQ !== null) matrix.rows = matrix.rows.filter((r) => startsWithNocase(r.person.name, exportQ));
  return ok({
    q: list?.q ?? exportQ,
    paging,
    ...matrix,
    today,
    settings,
    teams: mine.map((t) => ({ id: t.id, name: t.name })),
    filters: { teamId: parsed.teamId, states: parsed.states, certificationId: parsed.certificationId },
    ignored: parsed.ignored,
    certifications: [...content.catalog.values()].map((c) => ({ id: c.id, name: c.name })),
  });
}

/** The export's rows: one line per person x certification that is held, planned, required or recommended. */
export function complianceCsvRows(view: ComplianceView, describe: (jobRole: string | null, tier: string | null) => string) {
  const header = ['Person', 'Team', 'Role and tier', 'Certification', 'State', 'Required', 'Earned on', 'Expires on', 'Days left', 'Plan'];
  const rows: (string | number | null)[][] = [header];
  const names = new Map(view.columns.map((c) => [c.id, c.name]));
  for (const row of view.rows) {
    for (const cell of row.cells) {
      if (cell.state === 'none') continue;
      if (view.filters.states.length && !view.filters.states.includes(cell.state)) continue;
      rows.push([
        row.person.name,
        row.person.teamName,
        describe(row.person.jobRole, row.person.tier),
        names.get(cell.certificationId) ?? cell.certificationId,
        cell.state,
        cell.required ? 'yes' : 'no',
        cell.current?.earnedOn ?? null,
        cell.expiresOn,
        cell.daysLeft,
        cell.plan ? cell.plan.status.replace('_', ' ') : null,
      ]);
    }
  }
  return rows;
}
