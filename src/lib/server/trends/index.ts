// Trends, the public face (issue 17, decision 038): a team's snapshots over
// the last 12 months for its manager or an admin, and the organisation's for
// admins. Members are refused (403); a team outside the actor's organisation
// or teams answers 404, as the compliance pages do.
import { canAdministerOrganisation, canManageTeam, canOverseeTeams, type Actor } from '#domain/access.ts';
import type { IsoDate } from '#domain/calendar.ts';
import { parseId } from '#domain/fields.ts';
import { trendChange, trendStart, type TrendChange, type TrendPoint } from '#domain/trends.ts';
import type { Executor } from '#server/db/client.ts';
import { forbidden, notFound, ok, type Outcome } from '#server/outcome.ts';
import { getTeam } from '#server/teams/queries.ts';
import { orgTrend, orgTrendEnds, teamTrend, teamTrendEnds } from './queries.ts';

export type TeamTrendView = { team: { id: number; name: string }; from: IsoDate; today: IsoDate; points: TrendPoint[] };
export type OrgTrendView = { from: IsoDate; today: IsoDate; points: TrendPoint[] };

export async function teamTrendView(
  db: Executor,
  actor: Actor,
  rawTeamId: string | number | undefined,
  today: IsoDate,
): Promise<Outcome<TeamTrendView>> {
  if (!canOverseeTeams(actor)) return forbidden('Only managers and admins see team trends.');
  const teamId = parseId(rawTeamId);
  if (teamId === null) return notFound();
  const team = await getTeam(db, teamId);
  if (!team || !canManageTeam(actor, team)) return notFound();
  const from = trendStart(today);
  return ok({ team: { id: team.id, name: team.name }, from, today, points: await teamTrend(db, team.id, from) });
}

export async function orgTrendView(db: Executor, actor: Actor, today: IsoDate): Promise<Outcome<OrgTrendView>> {
  if (!canAdministerOrganisation(actor)) return forbidden('Only admins see the organisation’s trends.');
  const from = trendStart(today);
  return ok({ from, today, points: await orgTrend(db, actor.orgId, from) });
}

/** A line per team on the people page: how it moved over the window, and where its chart is. */
export type TrendSummary = { subject: string; href: string; change: TrendChange | null };

/** At most this many teams get a line; more, and the page links to each team's trends instead. */
export const SUMMARY_TEAMS = 5;

/**
 * How the actor's teams moved (an admin: the organisation), first snapshot of
 * the window against the latest, for /app/team/. Managers get their teams
 * (none when they manage more than SUMMARY_TEAMS); members are refused.
 */
export async function trendSummaries(
  db: Executor,
  actor: Actor,
  teams: readonly { id: number; name: string }[],
  today: IsoDate,
): Promise<Outcome<TrendSummary[]>> {
  if (!canOverseeTeams(actor)) return forbidden('Only managers and admins see team trends.');
  const from = trendStart(today);
  if (canAdministerOrganisation(actor)) {
    return ok([
      { subject: 'The organisation', href: '/app/admin/trends/', change: trendChange(await orgTrendEnds(db, actor.orgId, from)) },
    ]);
  }
  if (teams.length > SUMMARY_TEAMS) return ok([]);
  const out: TrendSummary[] = [];
  for (const team of teams) {
    const own = await getTeam(db, team.id);
    if (!own || !canManageTeam(actor, own)) continue;
    out.push({ subject: own.name, href: `/app/team/trends/${own.id}`, change: trendChange(await teamTrendEnds(db, own.id, from)) });
  }
  return ok(out);
}

export { trendCsvRows } from '#domain/trends.ts';
