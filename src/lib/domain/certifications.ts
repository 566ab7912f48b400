// Certification tracker rules, as pure functions of plain data: when a
// certification expires, what state a person's certification is in on a given
// day, when reminders fall and which are due, and the compliance matrix a
// manager reads. No Astro, no database: pages and the data layer call these
// with rows they loaded, and unit tests call them with literals.
//
// Dates are calendar dates ('YYYY-MM-DD'), never instants: a certificate is
// earned on a day, not at a moment. "Today" is the organisation's local date,
// obtained once per request (calendar.ts organisationToday).
//
// Conventions (shown to users where they matter):
// - An expiry date is the first day a certification is no longer valid: a
//   certification earned on 10 May 2023 with a 36-month validity expires on
//   10 May 2026 and is valid up to and including 9 May 2026.
// - Month arithmetic clamps to the end of the month: 29 Feb 2024 + 12 months
//   is 28 Feb 2025; 31 Mar + 1 month is 30 Apr.
// - A renewal is a new record; the newest earned record of a certification
//   decides its state and older ones stay as history.

import { addDays, addMonths, daysBetween, formatDay, monthOf, type IsoDate } from './calendar.ts';

export const CERTIFICATION_STATUSES = ['planned', 'in_progress', 'earned'] as const;
export type CertificationStatus = (typeof CERTIFICATION_STATUSES)[number];

/** The verification link's hint, as the form field rule (optionalWebLink) takes it: https:// or http://. */
export const VERIFICATION_LINK_HINT = "The issuer's or badge site's page that proves it, starting with https:// (or http://).";

export const STATUS_LABELS: Record<CertificationStatus, string> = {
  planned: 'Planned',
  in_progress: 'In progress',
  earned: 'Earned',
};

/** Days before expiry when reminders fall, unless the organisation sets its own. */
export const DEFAULT_LEAD_DAYS: readonly number[] = [90, 60, 30, 7];
export const MAX_LEAD_DAYS = 365;
export const MAX_LEAD_COUNT = 6;

export type Validity = { kind: 'months'; months: number } | { kind: 'lifetime' } | { kind: 'unknown'; note: string };

/**
 * What the rules need to know about a certification of the catalog
 * (content/certifications.yaml; the whole entry is #catalog's CertificationEntry).
 */
export type CertificationFacts = { id: string; name: string; shortName: string; validity: Validity };

// --- expiry -------------------------------------------------------------------

export type ExpirySource = 'entered' | 'computed';

export type Expiry =
  | { expiresOn: IsoDate; source: ExpirySource; explanation: string }
  | { expiresOn: null; source: 'lifetime' | 'unknown-validity' | 'not-earned'; explanation: string };

export function describeValidity(validity: Validity): string {
  if (validity.kind === 'lifetime') return 'Lifetime (does not expire)';
  if (validity.kind === 'unknown') return 'Validity unknown (no sourced rule)';
  const { months } = validity;
  if (months % 12 === 0) return `${months / 12} year${months === 12 ? '' : 's'}`;
  return `${months} month${months === 1 ? '' : 's'}`;
}

/**
 * The expiry of an earned certification: the date the holder entered if any,
 * else the earned date plus the catalog's validity. Lifetime certifications
 * have none; for an unknown validity nothing is computed and the explanation
 * says so (the holder can enter the date printed on the certificate).
 */
export function computeExpiry(entry: CertificationFacts, earnedOn: IsoDate | null, entered: IsoDate | null = null): Expiry {
  if (entered) return { expiresOn: entered, source: 'entered', explanation: 'Entered by hand.' };
  if (!earnedOn) return { expiresOn: null, source: 'not-earned', explanation: 'Not earned yet.' };
  const { validity } = entry;
  if (validity.kind === 'lifetime') {
    return { expiresOn: null, source: 'lifetime', explanation: `${entry.shortName} is a lifetime certification: it does not expire.` };
  }
  if (validity.kind === 'unknown') {
    return {
      expiresOn: null,
      source: 'unknown-validity',
      explanation: `No validity rule is known for ${entry.shortName}, so no expiry was computed. Enter the expiry date from the certificate if it has one.`,
    };
  }
  return {
    expiresOn: addMonths(earnedOn, validity.months),
    source: 'computed',
    explanation: `Computed: earned date plus ${describeValidity(validity)}.`,
  };
}

/** expires_on and expiry_source for a record: entered wins, else computed from the catalog (null for lifetime / unknown validity). */
export function computeExpiryFor(entry: CertificationFacts, earnedOn: IsoDate | null, entered: IsoDate | null) {
  const expiry = computeExpiry(entry, earnedOn, entered);
  return { expiresOn: expiry.expiresOn, expirySource: expiry.source === 'entered' || expiry.source === 'computed' ? expiry.source : null };
}

// --- records and state ----------------------------------------------------------

export type CertRecord = {
  id: number;
  certificationId: string;
  status: CertificationStatus;
  earnedOn: IsoDate | null;
  expiresOn: IsoDate | null;
  renewsRecordId: number | null;
};

export const CERT_STATES = [
  'valid',
  'expiring',
  'expired',
  'lifetime',
  'unknown-expiry',
  'missing',
  'in-progress',
  'planned',
  'recommended',
  'none',
] as const;
export type CertState = (typeof CERT_STATES)[number];

export const STATE_INFO: Record<CertState, { label: string; tone: 'ok' | 'warn' | 'danger' | 'neutral' | 'info'; description: string }> = {
  valid: { label: 'Valid', tone: 'ok', description: 'Earned and not expiring within the largest reminder window.' },
  expiring: { label: 'Expiring', tone: 'warn', description: 'Expires within the largest reminder window.' },
  expired: { label: 'Expired', tone: 'danger', description: 'The expiry date has passed; renew it.' },
  lifetime: { label: 'Lifetime', tone: 'ok', description: 'Earned; this certification never expires.' },
  'unknown-expiry': {
    label: 'Held, expiry unknown',
    tone: 'neutral',
    description: 'Earned, but there is no validity rule and no expiry date was entered.',
  },
  missing: { label: 'Missing', tone: 'danger', description: 'Required for the tier and not held.' },
  'in-progress': { label: 'In progress', tone: 'info', description: 'Being worked towards.' },
  planned: { label: 'Planned', tone: 'info', description: 'Planned for later.' },
  recommended: { label: 'Recommended', tone: 'neutral', description: 'Recommended by the role guide for this tier (not required).' },
  none: { label: 'Not held', tone: 'neutral', description: 'Neither held, planned, required nor recommended.' },
};

/** Newest first by earned date, then by id (the later record wins a tie). */
function byEarnedDesc(a: CertRecord, b: CertRecord): number {
  if (a.earnedOn !== b.earnedOn) return (b.earnedOn ?? '') < (a.earnedOn ?? '') ? -1 : 1;
  return b.id - a.id;
}

/** The record that decides the state: the newest earned one. Older earned records are superseded history. */
export function currentRecord(records: readonly CertRecord[]): CertRecord | null {
  const earned = records.filter((r) => r.status === 'earned' && r.earnedOn !== null).sort(byEarnedDesc);
  return earned[0] ?? null;
}

/**
 * The plan in force: the newest planned or in-progress record made after the
 * current earned one (a plan recorded before the certificate was earned is
 * settled by it).
 */
export function currentPlan(records: readonly CertRecord[], current: CertRecord | null = currentRecord(records)): CertRecord | null {
  const plans = records.filter((r) => r.status !== 'earned' && (current === null || r.id > current.id)).sort((a, b) => b.id - a.id);
  return plans[0] ?? null;
}

/** The history of one certification for one person, newest first (earned records by date, then plans). */
export function historyOf(records: readonly CertRecord[]): CertRecord[] {
  const earned = records.filter((r) => r.status === 'earned').sort(byEarnedDesc);
  const plans = records.filter((r) => r.status !== 'earned').sort((a, b) => b.id - a.id);
  return [...plans, ...earned];
}

export type StateInput = {
  /** This person's records of this certification (any status, any order). */
  records: readonly CertRecord[];
  required: boolean;
  recommended: boolean;
  today: IsoDate;
  leadDays: readonly number[];
};

export type CertStatusView = {
  state: CertState;
  required: boolean;
  recommended: boolean;
  current: CertRecord | null;
  plan: CertRecord | null;
  expiresOn: IsoDate | null;
  /** Days from today to the expiry date (0 on the day it expires, negative after). */
  daysLeft: number | null;
};

export const largestWindow = (leadDays: readonly number[]) => (leadDays.length ? Math.max(...leadDays) : 0);

/**
 * The state of one person's certification on `today`:
 * - an earned record decides it: expired (today on or after the expiry),
 *   expiring (expiry within the largest reminder window), valid, lifetime
 *   (no expiry by rule) or unknown-expiry (no rule and no date entered);
 * - otherwise missing when the tier requires it (a plan is kept alongside),
 *   in-progress or planned when there is a plan, recommended when the role
 *   guide recommends it for the tier, else none.
 */
export function certificationState(input: StateInput, validity: Validity): CertStatusView {
  const current = currentRecord(input.records);
  const plan = currentPlan(input.records, current);
  const base = { required: input.required, recommended: input.recommended, current, plan };
  if (current) {
    if (current.expiresOn) {
      const daysLeft = daysBetween(input.today, current.expiresOn);
      const state: CertState = daysLeft <= 0 ? 'expired' : daysLeft <= largestWindow(input.leadDays) ? 'expiring' : 'valid';
      return { ...base, state, expiresOn: current.expiresOn, daysLeft };
    }
    const state: CertState = validity.kind === 'lifetime' ? 'lifetime' : 'unknown-expiry';
    return { ...base, state, expiresOn: null, daysLeft: null };
  }
  let state: CertState = 'none';
  if (input.required) state = 'missing';
  else if (plan?.status === 'in_progress') state = 'in-progress';
  else if (plan?.status === 'planned') state = 'planned';
  else if (input.recommended) state = 'recommended';
  return { ...base, state, expiresOn: null, daysLeft: null };
}

// --- reminders --------------------------------------------------------------------

export type ReminderDate = { leadDays: number; date: IsoDate };

/** Clean lead times: whole days 1-365, no duplicates, largest first. */
export function normaliseLeadDays(leadDays: readonly number[]): number[] {
  return [...new Set(leadDays.filter((d) => Number.isInteger(d) && d >= 1 && d <= MAX_LEAD_DAYS))].sort((a, b) => b - a);
}

/** One reminder per lead time, earliest first (largest lead first). */
export function reminderDates(expiresOn: IsoDate, leadDays: readonly number[]): ReminderDate[] {
  return normaliseLeadDays(leadDays).map((lead) => ({ leadDays: lead, date: addDays(expiresOn, -lead) }));
}

export type DueReminder = ReminderDate & { recordId: number; certificationId: string; expiresOn: IsoDate; daysLeft: number };

/**
 * The reminder due on `today` for a record, if any: the latest reminder date
 * already reached that nobody has marked handled. Earlier reminders are
 * covered by it (a 60-day reminder answers the 90-day one), so each record
 * shows at most one line; once handled, the next lead time brings it back.
 * A reminder stays due after the expiry date until someone handles it.
 * `handled` holds the reminder dates already marked handled for this record.
 */
export function dueReminder(
  record: CertRecord,
  leadDays: readonly number[],
  today: IsoDate,
  handled: ReadonlySet<IsoDate>,
): DueReminder | null {
  if (record.status !== 'earned' || !record.expiresOn) return null;
  const reached = reminderDates(record.expiresOn, leadDays).filter((r) => r.date <= today);
  const latest = reached[reached.length - 1];
  if (!latest || handled.has(latest.date)) return null;
  return {
    ...latest,
    recordId: record.id,
    certificationId: record.certificationId,
    expiresOn: record.expiresOn,
    daysLeft: daysBetween(today, record.expiresOn),
  };
}

/** Is `date` one of the record's reminder dates under these lead times, and already reached? */
export function isReachedReminder(record: CertRecord, leadDays: readonly number[], date: IsoDate, today: IsoDate): boolean {
  if (record.status !== 'earned' || !record.expiresOn || date > today) return false;
  return reminderDates(record.expiresOn, leadDays).some((r) => r.date === date);
}

/** "Expires in 21 days", "Expires today", "Expired 3 days ago". */
export function describeDaysLeft(daysLeft: number): string {
  if (daysLeft > 1) return `Expires in ${daysLeft} days`;
  if (daysLeft === 1) return 'Expires tomorrow';
  if (daysLeft === 0) return 'Expires today';
  if (daysLeft === -1) return 'Expired yesterday';
  return `Expired ${-daysLeft} days ago`;
}

/**
 * How a due reminder reads. Before the expiry date it is the early reminder it
 * is ("30-day reminder, due since …"); once the certificate has expired, the
 * reminder's lead time no longer matters and it says so instead.
 */
export function describeReminder(r: { daysLeft: number; expiresOn: IsoDate; leadDays: number; date: IsoDate }): {
  badge: string;
  tone: 'danger' | 'warn';
  detail: string;
} {
  const badge = describeDaysLeft(r.daysLeft);
  if (r.daysLeft < 0) {
    return {
      badge,
      tone: 'danger',
      detail: `on ${formatDay(r.expiresOn)}. It is no longer valid: renew it, or record the renewal if it was done.`,
    };
  }
  return {
    badge,
    tone: r.daysLeft === 0 ? 'danger' : 'warn',
    detail: `on ${formatDay(r.expiresOn)}. ${r.leadDays}-day reminder, due since ${formatDay(r.date)}.`,
  };
}

/** The reminders page's urgency filter: all due reminders, the expired ones, or those expiring within 30 days (expired included). */
export const REMINDER_WINDOWS = ['all', 'expired', 'within-30'] as const;
export type ReminderWindow = (typeof REMINDER_WINDOWS)[number];

export type ReminderFilter = { q: string | null; certificationId: string | null; window: ReminderWindow };

/** Case and accents folded, so "stefan" finds "Ștefan" (the page's people and certifications are Romanian as well as English). */
const folded = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The reminders a filter keeps: `q` is a part of the person's or the certification's name. */
export function filterReminders<
  T extends { daysLeft: number; certificationId: string; certificationName: string; person: { name: string } },
>(items: readonly T[], filter: ReminderFilter): T[] {
  const q = filter.q ? folded(filter.q) : null;
  return items.filter(
    (r) =>
      (filter.window === 'all' || (filter.window === 'expired' ? r.daysLeft < 0 : r.daysLeft <= 30)) &&
      (!filter.certificationId || r.certificationId === filter.certificationId) &&
      (!q || folded(r.person.name).includes(q) || folded(r.certificationName).includes(q)),
  );
}

/**
 * The paging key of a reminder: most urgent first, then the person's name. Days
 * are offset and zero-padded so the key sorts as text in the order of the numbers.
 */
export const reminderSortKey = (r: { daysLeft: number; person: { name: string } }) =>
  `${String(r.daysLeft + 100_000).padStart(7, '0')} ${r.person.name}`;

// --- calendar events ----------------------------------------------------------------

export type CalendarEvent = {
  uid: string;
  /** The record the event is about (its times date the event). */
  recordId: number;
  date: IsoDate;
  kind: 'expiry' | 'reminder';
  title: string;
  description: string;
};

/**
 * All-day events for one person's current certifications: each expiry date and
 * each reminder date (past ones included: a calendar is a record). Superseded
 * records are left out, so a renewal moves the events instead of doubling them.
 */
export function calendarEvents(
  person: { id: number; name: string },
  records: readonly CertRecord[],
  catalog: ReadonlyMap<string, CertificationFacts>,
  leadDays: readonly number[],
  options: { includeName: boolean; uidDomain: string },
): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  const byCert = groupBy(records, (r) => r.certificationId);
  for (const [certId, list] of byCert) {
    const current = currentRecord(list);
    if (!current?.expiresOn) continue;
    const entry = catalog.get(certId);
    const name = entry?.name ?? certId;
    const who = options.includeName ? `${person.name}: ` : '';
    events.push({
      uid: `cert-${current.id}-expiry@${options.uidDomain}`,
      recordId: current.id,
      date: current.expiresOn,
      kind: 'expiry',
      title: `${who}${entry?.shortName ?? certId} expires`,
      description: `${name} held by ${person.name} expires on this day (earned ${current.earnedOn}).`,
    });
    for (const r of reminderDates(current.expiresOn, leadDays)) {
      events.push({
        uid: `cert-${current.id}-reminder-${r.date}@${options.uidDomain}`,
        recordId: current.id,
        date: r.date,
        kind: 'reminder',
        title: `${who}${entry?.shortName ?? certId} expires in ${r.leadDays} days`,
        description: `Reminder: ${name} held by ${person.name} expires on ${current.expiresOn}. Plan the renewal.`,
      });
    }
  }
  return events.sort((a, b) => (a.date === b.date ? a.uid.localeCompare(b.uid) : a.date < b.date ? -1 : 1));
}

// --- compliance matrix ----------------------------------------------------------------

export type CompliancePerson = { id: number; name: string; jobRole: string | null; tier: string | null; teamId: number; teamName: string };

/** '<role slug>/<tier id>', the key requirements and recommendations are stored under. */
export const positionKey = (jobRole: string | null, tier: string | null) => (jobRole && tier ? `${jobRole}/${tier}` : null);

export type ComplianceInput = {
  people: readonly CompliancePerson[];
  /** Records of these people, any certification. */
  records: readonly (CertRecord & { userId: number })[];
  catalog: ReadonlyMap<string, CertificationFacts>;
  /** Position key -> certification ids the organisation requires. */
  required: ReadonlyMap<string, ReadonlySet<string>>;
  /** Position key -> certification ids the role guide recommends. */
  recommended: ReadonlyMap<string, ReadonlySet<string>>;
  today: IsoDate;
  leadDays: readonly number[];
  filters?: { states?: readonly CertState[]; certificationId?: string | null };
};

export type ComplianceCell = CertStatusView & { certificationId: string };
export type ComplianceRow = { person: CompliancePerson; cells: ComplianceCell[] };
export type TimelineMonth = { month: string; count: number; items: { personName: string; certificationId: string; expiresOn: IsoDate }[] };

export type ComplianceMatrix = {
  columns: CertificationFacts[];
  rows: ComplianceRow[];
  counts: Record<CertState, number>;
  timeline: TimelineMonth[];
};

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

const emptyCounts = (): Record<CertState, number> => Object.fromEntries(CERT_STATES.map((s) => [s, 0])) as Record<CertState, number>;

/**
 * People x certifications. Columns are the certifications that matter to these
 * people: held, planned or required first, then those only recommended for
 * someone's tier (each group in catalog order); a certification filter narrows them to one. A state filter
 * keeps the people with at least one cell in one of those states and counts
 * only matching cells. Counts and the timeline follow the filters, so what the
 * page says and what it shows agree.
 */
export function buildComplianceMatrix(input: ComplianceInput): ComplianceMatrix {
  const { catalog, today, leadDays } = input;
  const recordsByPerson = groupBy(input.records, (r) => r.userId);
  const wanted = new Set<string>();
  for (const person of input.people) {
    for (const r of recordsByPerson.get(person.id) ?? []) wanted.add(r.certificationId);
    const key = positionKey(person.jobRole, person.tier);
    if (key) {
      for (const id of input.required.get(key) ?? []) wanted.add(id);
      for (const id of input.recommended.get(key) ?? []) wanted.add(id);
    }
  }
  const certFilter = input.filters?.certificationId ?? null;
  // Certifications someone holds, plans or must hold come first; columns that
  // are only recommended follow, so the columns that matter need no scrolling.
  const adviceOnly = (id: string) =>
    !input.people.some((p) => {
      const key = positionKey(p.jobRole, p.tier);
      return (
        (recordsByPerson.get(p.id) ?? []).some((r) => r.certificationId === id) ||
        (key !== null && (input.required.get(key)?.has(id) ?? false))
      );
    });
  const candidates = [...catalog.values()].filter((c) => wanted.has(c.id) && (certFilter === null || c.id === certFilter));
  const columns = [...candidates.filter((c) => !adviceOnly(c.id)), ...candidates.filter((c) => adviceOnly(c.id))];
  const rows: ComplianceRow[] = [];
  for (const person of input.people) {
    const key = positionKey(person.jobRole, person.tier);
    const byCert = groupBy(recordsByPerson.get(person.id) ?? [], (r) => r.certificationId);
    const cells = columns.map((entry) => ({
      certificationId: entry.id,
      ...certificationState(
        {
          records: byCert.get(entry.id) ?? [],
          required: key !== null && (input.required.get(key)?.has(entry.id) ?? false),
          recommended: key !== null && (input.recommended.get(key)?.has(entry.id) ?? false),
          today,
          leadDays,
        },
        entry.validity,
      ),
    }));
    rows.push({ person, cells });
  }
  // The state filter, the counts and the timeline: the same rule the compliance island applies as you type.
  const shown = filterComplianceRows(rows, { ...NO_FILTER, states: input.filters?.states ?? [] }, today);
  return { columns, rows: shown.rows, counts: shown.counts, timeline: shown.timeline };
}

/** What the compliance matrix can be narrowed by (the page's GET filters, and on the client the island's). */
export type ComplianceRowFilter = {
  states: readonly CertState[];
  certificationId: string | null;
  teamId: number | null;
  /** Part of the person's name, any case (empty: everyone). */
  text: string;
  /** 'YYYY-MM': only people with a counted expiry in that month (the timeline's bar). */
  month: string | null;
};
export const NO_FILTER: ComplianceRowFilter = { states: [], certificationId: null, teamId: null, text: '', month: null };

type FilterableCell = { certificationId: string; state: CertState; expiresOn: IsoDate | null };
type FilterableRow = { person: { name: string; teamId: number }; cells: readonly FilterableCell[] };

/**
 * The rows a filter keeps, the counts per state and the 12-month timeline of
 * what they show. A state filter keeps people with at least one cell in one of
 * those states and counts only those cells; a certification filter looks at
 * that column only. The timeline ignores the month filter (it is what the
 * month is chosen from); the counts follow it.
 */
export function filterComplianceRows<R extends FilterableRow>(rows: readonly R[], filter: ComplianceRowFilter, today: IsoDate) {
  const states = filter.states.length ? new Set(filter.states) : null;
  const text = filter.text.trim().toLowerCase();
  const horizon = addMonths(today, 12);
  const counted = (c: FilterableCell) =>
    (filter.certificationId === null || c.certificationId === filter.certificationId) && (states === null || states.has(c.state));
  const expiring = (c: FilterableCell) => c.expiresOn !== null && c.expiresOn >= today && c.expiresOn < horizon;
  const counts = emptyCounts();
  const kept: R[] = [];
  const expiries: TimelineMonth['items'] = [];
  for (const row of rows) {
    if (filter.teamId !== null && row.person.teamId !== filter.teamId) continue;
    if (text && !row.person.name.toLowerCase().includes(text)) continue;
    const matching = row.cells.filter(counted);
    if (states && matching.length === 0) continue;
    for (const c of matching)
      if (expiring(c)) expiries.push({ personName: row.person.name, certificationId: c.certificationId, expiresOn: c.expiresOn! });
    if (filter.month !== null && !matching.some((c) => expiring(c) && monthOf(c.expiresOn!) === filter.month)) continue;
    kept.push(row);
    for (const c of matching) counts[c.state] += 1;
  }
  return { rows: kept, counts, timeline: timelineOf(expiries, today) };
}

/** Twelve monthly buckets starting with today's month. */
export function timelineOf(items: TimelineMonth['items'], today: IsoDate): TimelineMonth[] {
  const start = `${monthOf(today)}-01`;
  const months = Array.from({ length: 12 }, (_, i) => monthOf(addMonths(start, i)));
  const byMonth = groupBy(items, (i) => monthOf(i.expiresOn));
  return months.map((month) => {
    const list = (byMonth.get(month) ?? []).sort((a, b) =>
      a.expiresOn < b.expiresOn ? -1 : a.expiresOn > b.expiresOn ? 1 : a.personName.localeCompare(b.personName),
    );
    return { month, count: list.length, items: list };
  });
}
