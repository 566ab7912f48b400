// The one schema module. drizzle-kit reads it to generate the SQL migrations in
// drizzle/ (npm run db:generate); the app reads it for typed queries.
//
// Conventions, so later tables (skills and ratings, certifications, ramp
// plans) fit in with additive migrations:
// - integer primary keys; every row an organisation owns carries org_id, so a
//   second organisation needs no schema change;
// - instants are integer milliseconds since the epoch (UTC by definition);
//   calendar dates that have no time zone (a start date) are 'YYYY-MM-DD' text;
// - job role slugs and tier ids come from content/roles/*.md and are stored as
//   text, validated against the content where data comes in (forms, seed), so
//   editing a guide never needs a migration;
// - people are deactivated, never deleted, so audit rows and history keep
//   their references.
import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

import { USER_ROLES } from '#domain/access.ts';
import { ACCOUNT_TOKEN_PURPOSES, MESSAGE_KINDS, OUTBOX_STATES, type NotificationSettings } from '#domain/messages.ts';
import { SNAPSHOT_SOURCES } from '#domain/trends.ts';

/** Organisation-wide settings; later issues add fields (all optional). */
export type OrganisationSettings = {
  /** Days before a certification expires when reminders start (issue: certifications). */
  certificationReminderDays?: number[];
  /** IANA time zone whose calendar date is "today" for the organisation, e.g. 'Europe/Bucharest' (default UTC). */
  timeZone?: string;
  /** How its spreadsheets write CSV: an id of SPREADSHEET_LOCALES in src/lib/domain/spreadsheet-locale.ts (default 'iso'). */
  spreadsheetLocale?: string;
  /** Company sign-in (decision 025): passwords refused except for admins. */
  requireCompanySignIn?: boolean;
  /** Company sign-in: an unknown verified email becomes a member without a team. */
  createPeopleOnFirstSignIn?: boolean;
};

// Column builders for the conventions above, so every table spells them the same way.
const serialId = () => integer('id').primaryKey({ autoIncrement: true });
/** An instant (integer milliseconds since the epoch). */
const instant = <TName extends string>(name: TName) => integer(name, { mode: 'timestamp_ms' });
const createdAt = () =>
  instant('created_at')
    .notNull()
    .$defaultFn(() => new Date());
const updatedAt = () =>
  instant('updated_at')
    .notNull()
    .$defaultFn(() => new Date());
/** The owning organisation of a row that always has one. */
const orgRef = () =>
  integer('org_id')
    .notNull()
    .references(() => organisations.id);
/** A person the row cannot be without (holder, subject, author). */
const userRef = <TName extends string>(name: TName) =>
  integer(name)
    .notNull()
    .references(() => users.id);
/** A person the row may name (an actor, who ended or handled something). */
const optionalUserRef = <TName extends string>(name: TName) => integer(name).references(() => users.id);
/** The ramp plan a task or history row belongs to. */
const rampPlanRef = () =>
  integer('plan_id')
    .notNull()
    .references(() => rampPlans.id);
/** The skill a rating is about. */
const skillRef = () =>
  text('skill_id')
    .notNull()
    .references(() => skills.id);
/** A row's fields before or after a change, as an audit or history entry keeps them. */
const changeSnapshot = <TName extends string>(name: TName) => text(name, { mode: 'json' }).$type<Record<string, unknown>>();
/** A CHECK that a text column holds one of a fixed list; names are unqualified (see users). */
const inList = (column: string, values: readonly string[]) => sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

export const organisations = sqliteTable('organisations', {
  id: serialId(),
  name: text('name').notNull(),
  settings: text('settings', { mode: 'json' })
    .$type<OrganisationSettings>()
    .notNull()
    .default(sql`'{}'`),
  createdAt: createdAt(),
});

export const users = sqliteTable(
  'users',
  {
    id: serialId(),
    orgId: orgRef(),
    /** Stored trimmed and lower-cased (see normaliseEmail); the CHECK keeps it so. */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    /** argon2id PHC string. */
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    /** A slug from ROLE_SLUGS; null for people outside the five guides (e.g. an admin). */
    jobRole: text('job_role'),
    /** A tier id from the job role's guide; null when jobRole is null. */
    tier: text('tier'),
    /** 'YYYY-MM-DD'; ramp plans count days from it. */
    startDate: text('start_date'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    /** Set when someone else chose the password (a generated one handed over): the next sign-in must replace it. */
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    /** Which notifications the person receives; a kind left out means its default (see messages.ts). */
    notificationSettings: text('notification_settings', { mode: 'json' })
      .$type<NotificationSettings>()
      .notNull()
      .default(sql`'{}'`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Unique case-insensitively because only the lower-cased form is ever stored.
    uniqueIndex('users_email_unique').on(t.email),
    // Unqualified column names on purpose: drizzle renders `${t.email}` as
    // "users"."email", which breaks when a later migration rebuilds the table
    // under a temporary name. These strings are constants, not input.
    check('users_email_lower_case', sql.raw('email = lower(email)')),
    check('users_role_valid', inList('role', USER_ROLES)),
    index('users_org_idx').on(t.orgId),
    // The one name index (decision 033): every list of people (the People
    // list, the matrices, the plan picker, the audit log's selectors) orders by
    // (name NOCASE, id) and searches a name prefix, which is one range of it.
    index('users_org_name_idx').on(t.orgId, sql.raw('display_name collate nocase'), t.id),
    index('users_org_email_idx').on(t.orgId, t.email),
  ],
);

export const teams = sqliteTable(
  'teams',
  {
    id: serialId(),
    orgId: orgRef(),
    name: text('name').notNull(),
    /** The person who manages this team; null until an admin appoints one. */
    managerUserId: optionalUserRef('manager_user_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('teams_org_name_unique').on(t.orgId, sql`lower(${t.name})`), index('teams_manager_idx').on(t.managerUserId)],
);

export const teamMemberships = sqliteTable(
  'team_memberships',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: userRef('user_id'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_memberships_user_idx').on(t.userId)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    /** The public half of the token; safe to store as is. */
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 of the token's secret half; the secret itself is never stored. */
    secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
    createdAt: instant('created_at').notNull(),
    /** Last time a request used this session (written at most hourly). */
    lastVerifiedAt: instant('last_verified_at').notNull(),
    /** Absolute end of the session, however active it is. */
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * A counter per organisation that moves whenever data a skills export or
 * matrix shows changes: people (name, email, role, position, active), teams,
 * memberships, skills and ratings. Triggers (migration 0008) move it in the
 * same transaction as the change, so code cannot forget to. A web process may
 * keep a computed result while the counter stands still; every process and
 * host reads the same counter, so none serves a stale one.
 */
export const orgDataVersions = sqliteTable('org_data_versions', {
  orgId: integer('org_id')
    .primaryKey()
    .references(() => organisations.id),
  version: integer('version').notNull(),
});

/**
 * Sign-in throttle buckets (src/lib/server/rate-limit.ts), shared by every web
 * process and host. Keys are SHA-256 hashes of the IP address, the normalised
 * email or a device cookie's key (auth/device.ts): the table never holds what
 * someone typed into the email field.
 */
export const rateLimitBuckets = sqliteTable(
  'rate_limit_buckets',
  {
    scope: text('scope', { enum: ['ip', 'account', 'device', 'reset-ip', 'reset-address'] }).notNull(),
    key: text('key').notNull(),
    tokens: integer('tokens').notNull(),
    refilledAt: integer('refilled_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/**
 * Append-only (a later migration adds triggers that refuse UPDATE and DELETE).
 * Written in the same transaction as the change it records.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: serialId(),
    /** Null only when no organisation is known (a failed sign-in for an unknown email). */
    orgId: integer('org_id').references(() => organisations.id),
    /** Null for failed sign-ins and for system actions (seeding, CLI without an acting user). */
    actorUserId: optionalUserRef('actor_user_id'),
    /** Dotted verb, e.g. 'user.created', 'auth.sign_in_failed'. */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    at: instant('at').notNull(),
    before: changeSnapshot('before'),
    after: changeSnapshot('after'),
    ip: text('ip'),
  },
  (t) => [index('audit_log_target_idx').on(t.targetType, t.targetId), index('audit_log_org_at_idx').on(t.orgId, t.at)],
);

export type Organisation = typeof organisations.$inferSelect;
export type User = typeof users.$inferSelect;
export type Team = typeof teams.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;

// --- ramp plans ---
// A 90-day ramp plan per new hire, copied from a role's template in
// content/ramp/ when it starts, so later template edits never change a running
// or finished plan (the phases' titles and goals are kept with the plan). Tasks
// are per plan and editable; every change to a plan or its tasks is also kept
// in ramp_plan_history (with before/after) in the same transaction, next to the
// audit log. Plans are never deleted: completed or closed plans stay readable.
// The lists below mirror src/lib/content/schema.ts (kept literal here so this
// module stays free of imports drizzle-kit would have to resolve).
export const RAMP_PLAN_STATUSES = ['active', 'completed', 'closed'] as const;
export type RampPlanStatus = (typeof RAMP_PLAN_STATUSES)[number];
export const RAMP_TASK_OWNERS = ['new-hire', 'manager', 'buddy'] as const;
export type RampTaskOwner = (typeof RAMP_TASK_OWNERS)[number];
export const RAMP_PHASE_IDS = ['days-1-30', 'days-31-60', 'days-61-90'] as const;
export type RampPhaseId = (typeof RAMP_PHASE_IDS)[number];
/** The template's phases as they were when the plan started. */
export type RampPhaseSnapshot = { id: RampPhaseId; title: string; startDay: number; endDay: number; goals: string[] };

export const rampPlans = sqliteTable(
  'ramp_plans',
  {
    id: serialId(),
    orgId: orgRef(),
    /** The new hire the plan is for. */
    userId: userRef('user_id'),
    /** The role slug of the template it started from (content/ramp/<slug>.yaml). */
    templateRole: text('template_role').notNull(),
    title: text('title').notNull(),
    phases: text('phases', { mode: 'json' }).$type<RampPhaseSnapshot[]>().notNull(),
    /** 'YYYY-MM-DD': day 1 of the plan. */
    startDate: text('start_date').notNull(),
    status: text('status', { enum: RAMP_PLAN_STATUSES }).notNull().default('active'),
    createdBy: userRef('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** When and by whom the plan was completed or closed. */
    endedAt: instant('ended_at'),
    endedBy: optionalUserRef('ended_by'),
  },
  (t) => [
    check('ramp_plans_status_valid', inList('status', RAMP_PLAN_STATUSES)),
    check('ramp_plans_start_date_format', sql.raw(`start_date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'`)),
    // One active plan per person, even when two managers start one at once.
    uniqueIndex('ramp_plans_one_active_per_user').on(t.userId).where(sql.raw(`status = 'active'`)),
    index('ramp_plans_org_status_idx').on(t.orgId, t.status),
    // The admin's ended plans, newest first: read backwards from the top of this
    // index instead of sorting every ended plan of the organisation (decision 033).
    index('ramp_plans_org_ended_idx').on(t.orgId, t.endedAt, t.id),
    // A person's own plans, active or ended (the partial unique index covers only active ones).
    index('ramp_plans_user_idx').on(t.userId),
  ],
);

export const rampTasks = sqliteTable(
  'ramp_tasks',
  {
    id: serialId(),
    planId: rampPlanRef(),
    /** Always the phase that contains due_day (derived on every write). */
    phaseId: text('phase_id', { enum: RAMP_PHASE_IDS }).notNull(),
    /** The template task it was copied from; null for tasks a manager added. */
    templateTaskId: text('template_task_id'),
    title: text('title').notNull(),
    detail: text('detail'),
    owner: text('owner', { enum: RAMP_TASK_OWNERS }).notNull(),
    /** The colleague named as buddy for a buddy task (may then check it off). */
    buddyUserId: optionalUserRef('buddy_user_id'),
    /** Day 1-90 of the plan; the due date is start date + (due day - 1) calendar days. */
    dueDay: integer('due_day').notNull(),
    /** Order within the plan (and so within a phase); gaps allowed. */
    position: integer('position').notNull(),
    skillId: text('skill_id'),
    kpiId: text('kpi_id'),
    doneAt: instant('done_at'),
    doneBy: optionalUserRef('done_by'),
    note: text('note'),
    evidenceUrl: text('evidence_url'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('ramp_tasks_owner_valid', inList('owner', RAMP_TASK_OWNERS)),
    check('ramp_tasks_phase_valid', inList('phase_id', RAMP_PHASE_IDS)),
    check('ramp_tasks_due_day_range', sql.raw('due_day between 1 and 90')),
    check('ramp_tasks_title_length', sql.raw('length(title) between 1 and 200')),
    check('ramp_tasks_done_pair', sql.raw('(done_at is null) = (done_by is null)')),
    index('ramp_tasks_plan_idx').on(t.planId, t.position),
    // "Tasks where I am the buddy", on every ramp page and dashboard.
    index('ramp_tasks_buddy_idx').on(t.buddyUserId),
  ],
);

export const rampPlanHistory = sqliteTable(
  'ramp_plan_history',
  {
    id: serialId(),
    planId: rampPlanRef(),
    /** No foreign key: a removed task's history stays. */
    taskId: integer('task_id'),
    /** Null only for system changes. */
    actorUserId: optionalUserRef('actor_user_id'),
    /** e.g. 'plan.started', 'task.updated', 'task.done' (see src/lib/server/ramp.ts). */
    action: text('action').notNull(),
    before: changeSnapshot('before'),
    after: changeSnapshot('after'),
    at: instant('at').notNull(),
  },
  (t) => [index('ramp_plan_history_plan_idx').on(t.planId, t.id)],
);

export type RampPlan = typeof rampPlans.$inferSelect;
export type RampTask = typeof rampTasks.$inferSelect;
export type RampHistoryEntry = typeof rampPlanHistory.$inferSelect;

// --- skills ---
// The skill catalog and the ratings people get against it (issue 4). Catalog
// skills come from content/skills.yaml (org_id null: shared by every
// organisation) and are synced on start; admins add their own (org_id set).
// Ratings are append-only dated records: the latest per person x skill x kind
// is the current rating, the rest is history.

/** Same values as SKILL_CATEGORIES in src/lib/content/schema.ts (kept literal here for drizzle-kit). */
export const SKILL_CATEGORY_VALUES = ['foundational', 'technical', 'soft'] as const;
export const SKILL_SOURCES = ['content', 'admin'] as const;
/** A self rating is given by the person rated; a manager rating by their manager (or an admin). */
export const RATING_KINDS = ['self', 'manager'] as const;
export type RatingKind = (typeof RATING_KINDS)[number];

export const skills = sqliteTable(
  'skills',
  {
    /** Kebab-case id; the one content and CSV files use. */
    id: text('id').primaryKey(),
    /** Null for catalog skills (every organisation sees them); set for skills an admin added. */
    orgId: integer('org_id').references(() => organisations.id),
    name: text('name').notNull(),
    category: text('category', { enum: SKILL_CATEGORY_VALUES }).notNull(),
    description: text('description').notNull(),
    source: text('source', { enum: SKILL_SOURCES }).notNull(),
    /** Catalog position (content file order), so columns keep a stable order. */
    position: integer('position').notNull().default(0),
    /** False once a catalog skill leaves content: its ratings stay as history. */
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('skills_category_valid', inList('category', SKILL_CATEGORY_VALUES)),
    check('skills_source_valid', inList('source', SKILL_SOURCES)),
    index('skills_org_idx').on(t.orgId),
  ],
);

export const skillRatings = sqliteTable(
  'skill_ratings',
  {
    id: serialId(),
    orgId: orgRef(),
    /** The person rated. */
    subjectUserId: userRef('subject_user_id'),
    /** Who gave the rating: the subject for a self rating. */
    raterUserId: userRef('rater_user_id'),
    skillId: skillRef(),
    kind: text('kind', { enum: RATING_KINDS }).notNull(),
    /** 0-4 on the scale in src/lib/domain/scale.ts. */
    level: integer('level').notNull(),
    note: text('note'),
    evidenceUrl: text('evidence_url'),
    /** When the rating applies (UTC instant); an imported dated row gets midnight UTC of its date. */
    ratedAt: instant('rated_at').notNull(),
    /** Set for imported rows only: makes importing the same file twice a no-op. */
    importKey: text('import_key'),
    createdAt: createdAt(),
  },
  (t) => [
    check('skill_ratings_level_valid', sql.raw('level between 0 and 4')),
    check('skill_ratings_kind_valid', inList('kind', RATING_KINDS)),
    check('skill_ratings_self_by_subject', sql.raw(`kind <> 'self' or rater_user_id = subject_user_id`)),
    // Covering index for "latest per person x skill x kind": the matrix reads only the index.
    index('skill_ratings_latest_idx').on(t.orgId, t.subjectUserId, t.skillId, t.kind, t.ratedAt, t.id, t.level),
    uniqueIndex('skill_ratings_import_key_unique').on(t.importKey),
  ],
);

/**
 * The current rating per person x skill: the latest self and the latest
 * manager rating (latest by rated_at, then id, as the history orders them).
 * Derived, never written by the app: a trigger on skill_ratings (migration
 * 0007) keeps it, so every insert path (form, import, seed) maintains it in
 * the same transaction. It exists for speed: finding the latest of 2.7 million
 * ratings on every matrix read took most of a second at 50,000 people.
 */
export const skillRatingsCurrent = sqliteTable(
  'skill_ratings_current',
  {
    subjectUserId: userRef('subject_user_id'),
    skillId: skillRef(),
    orgId: orgRef(),
    selfLevel: integer('self_level'),
    selfRatedAt: integer('self_rated_at'),
    selfRatingId: integer('self_rating_id'),
    managerLevel: integer('manager_level'),
    managerRatedAt: integer('manager_rated_at'),
    managerRatingId: integer('manager_rating_id'),
  },
  (t) => [
    primaryKey({ columns: [t.subjectUserId, t.skillId] }),
    // Organisation-wide counts per skill read only this index (the person, to leave out deactivated people).
    index('skill_ratings_current_org_skill_idx').on(t.orgId, t.skillId, t.managerLevel, t.selfLevel, t.subjectUserId),
  ],
);

export type Skill = typeof skills.$inferSelect;
export type SkillRating = typeof skillRatings.$inferSelect;

// --- certifications ---
// A person's certification records (a renewal is a new row pointing at the one
// it renews, so history is never overwritten), the certifications an
// organisation requires per role tier, the reminders someone has handled, and
// the secret tokens of calendar feeds. Certification ids come from
// content/certifications.yaml and are stored as text, checked where data comes in.
// Lead times and the organisation's time zone live in organisations.settings.

export const CERTIFICATION_RECORD_STATUSES = ['planned', 'in_progress', 'earned'] as const;
/** How expires_on was set: computed from the catalog's validity, or entered by hand. */
export const CERTIFICATION_EXPIRY_SOURCES = ['computed', 'entered'] as const;

export const certificationRecords = sqliteTable(
  'certification_records',
  {
    id: serialId(),
    orgId: orgRef(),
    /** The holder. */
    userId: userRef('user_id'),
    certificationId: text('certification_id').notNull(),
    status: text('status', { enum: CERTIFICATION_RECORD_STATUSES }).notNull(),
    /** 'YYYY-MM-DD'; set exactly when status is earned. */
    earnedOn: text('earned_on'),
    /** 'YYYY-MM-DD', the first day it is no longer valid; null for lifetime or unknown validity. */
    expiresOn: text('expires_on'),
    expirySource: text('expiry_source', { enum: CERTIFICATION_EXPIRY_SOURCES }),
    credentialId: text('credential_id'),
    verificationUrl: text('verification_url'),
    note: text('note'),
    /** The record this one renews; unique, so a history is a chain, never a fork. */
    renewsRecordId: integer('renews_record_id').references((): AnySQLiteColumn => certificationRecords.id),
    createdBy: userRef('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('certification_records_status_valid', inList('status', CERTIFICATION_RECORD_STATUSES)),
    check('certification_records_earned_has_date', sql.raw(`(status = 'earned') = (earned_on is not null)`)),
    check('certification_records_expiry_after_earned', sql.raw('expires_on is null or (earned_on is not null and expires_on > earned_on)')),
    index('certification_records_user_idx').on(t.userId, t.certificationId),
    index('certification_records_org_idx').on(t.orgId, t.certificationId),
    uniqueIndex('certification_records_renews_unique').on(t.renewsRecordId),
  ],
);

/** Organisation policy: the certifications a role tier requires (recommendations come from the role guides). */
export const certificationRequirements = sqliteTable(
  'certification_requirements',
  {
    orgId: orgRef(),
    jobRole: text('job_role').notNull(),
    tier: text('tier').notNull(),
    certificationId: text('certification_id').notNull(),
    createdBy: optionalUserRef('created_by'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.jobRole, t.tier, t.certificationId] })],
);

/** A reminder (record x reminder date) someone marked handled. */
export const certificationRemindersHandled = sqliteTable(
  'certification_reminders_handled',
  {
    recordId: integer('record_id')
      .notNull()
      .references(() => certificationRecords.id),
    /** 'YYYY-MM-DD': the reminder date (expiry minus a lead time) that was handled. */
    reminderOn: text('reminder_on').notNull(),
    handledBy: userRef('handled_by'),
    handledAt: instant('handled_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.recordId, t.reminderOn] })],
);

/**
 * Calendar feed tokens, `<id>-<secret>` in the feed URL. Like sessions, only
 * SHA-256 of the secret is stored and compared in constant time. Revoked
 * tokens keep their row (revoked_at set) so the audit trail can name them.
 */
export const calendarFeedTokens = sqliteTable(
  'calendar_feed_tokens',
  {
    id: text('id').primaryKey(),
    userId: userRef('user_id'),
    secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
    createdAt: instant('created_at').notNull(),
    revokedAt: instant('revoked_at'),
  },
  (t) => [index('calendar_feed_tokens_user_idx').on(t.userId)],
);

export type CertificationRecordRow = typeof certificationRecords.$inferSelect;
export type CalendarFeedToken = typeof calendarFeedTokens.$inferSelect;

/**
 * The transactional outbox (docs/decisions/022): a message is inserted in the
 * same transaction as the change that causes it, and a delivery worker sends
 * it later, outside any request. The idempotency key is unique, so a job that
 * runs twice, or a worker that crashes between sending and marking sent and
 * retries, finds the row instead of writing a second message; the key also
 * becomes the Message-ID, so a retried send is recognisable downstream.
 */
export const outboxMessages = sqliteTable(
  'outbox_messages',
  {
    id: serialId(),
    orgId: orgRef(),
    /** No CHECK on purpose: later features add kinds, and SQLite can only change a CHECK by rebuilding the table. */
    kind: text('kind', { enum: MESSAGE_KINDS }).notNull(),
    /** The person it is for, when it is for a person of the organisation (always, today). */
    recipientUserId: optionalUserRef('recipient_user_id'),
    /** The address at the time of writing: an email corrected later does not redirect a message already sent. */
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
    headers: text('headers', { mode: 'json' })
      .$type<Record<string, string>>()
      .notNull()
      .default(sql`'{}'`),
    idempotencyKey: text('idempotency_key').notNull(),
    state: text('state', { enum: OUTBOX_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** When the worker may next try (retries back off exponentially). */
    nextAttemptAt: instant('next_attempt_at').notNull(),
    /** While 'sending': until when the claiming worker owns the row; past it, a crashed worker's claim lapses. */
    claimedUntil: instant('claimed_until'),
    lastError: text('last_error'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    uniqueIndex('outbox_messages_idempotency_unique').on(t.idempotencyKey),
    index('outbox_messages_due_idx').on(t.state, t.nextAttemptAt),
    index('outbox_messages_org_created_idx').on(t.orgId, t.createdAt),
    index('outbox_messages_recipient_idx').on(t.recipientUserId),
    check('outbox_messages_state_valid', inList('state', OUTBOX_STATES)),
  ],
);

/**
 * Single-use links sent by email: password resets and invitations. Only
 * SHA-256 of the token is stored (hex). A token is void once used, once
 * revoked, past expires_at, or once a newer one of the same purpose is issued
 * for the person (issuing revokes the older ones).
 */
export const accountTokens = sqliteTable(
  'account_tokens',
  {
    id: serialId(),
    userId: userRef('user_id'),
    purpose: text('purpose', { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    tokenHash: text('token_hash').notNull(),
    /** Who issued it: null when the person asked themselves (forgot password). */
    createdBy: optionalUserRef('created_by'),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    revokedAt: instant('revoked_at'),
    /** An email-change link: the address that becomes the person's once it is confirmed (decision 040). */
    newEmail: text('new_email'),
  },
  (t) => [
    uniqueIndex('account_tokens_hash_unique').on(t.tokenHash),
    index('account_tokens_user_idx').on(t.userId, t.purpose),
    check('account_tokens_purpose_valid', inList('purpose', ACCOUNT_TOKEN_PURPOSES)),
  ],
);

/**
 * One row per scheduled job: whoever holds an unexpired lease runs it, so
 * however many processes and hosts start the scheduler, one does the work.
 */
export const jobLeases = sqliteTable('job_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: instant('expires_at').notNull(),
});

/**
 * The job log: one row per job, organisation and period (a date for a daily
 * job, a week for a weekly one). The unique period is what makes a rerun or a
 * catch-up after downtime do each period's work once.
 */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    id: serialId(),
    job: text('job').notNull(),
    orgId: orgRef(),
    /** e.g. '2026-12-02' (daily) or '2026-W49' (weekly), in the organisation's calendar. */
    period: text('period').notNull(),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at'),
    outcome: text('outcome', { enum: ['running', 'ok', 'failed'] }).notNull(),
    /** A short summary ("12 messages") or the error. */
    detail: text('detail'),
  },
  (t) => [uniqueIndex('job_runs_period_unique').on(t.job, t.orgId, t.period), index('job_runs_started_idx').on(t.startedAt)],
);

export type OutboxMessage = typeof outboxMessages.$inferSelect;
export type AccountToken = typeof accountTokens.$inferSelect;
export type JobRun = typeof jobRuns.$inferSelect;

// --- People import ------------------------------------------------------------------

export const PEOPLE_IMPORT_STATUSES = ['previewed', 'applying', 'applied', 'stale', 'failed'] as const;
export type PeopleImportStatus = (typeof PEOPLE_IMPORT_STATUSES)[number];

/**
 * An uploaded HR file and its plan (ADR 026): the preview is stored so it can
 * be reopened by URL, and the apply re-plans against current data and writes
 * only if the plan is still the one shown. The file is kept as text so a
 * stale preview can be planned again without another upload.
 */
export const peopleImports = sqliteTable(
  'people_imports',
  {
    id: serialId(),
    orgId: orgRef(),
    createdByUserId: userRef('created_by_user_id'),
    fileName: text('file_name').notNull(),
    /** 'csv' or 'json'. */
    format: text('format').notNull(),
    source: text('source').notNull(),
    options: text('options', { mode: 'json' }).$type<{ deactivateAbsent: boolean; invite: boolean }>().notNull(),
    /** The plan as last shown (PeoplePlan JSON); null when the file was refused. */
    plan: text('plan', { mode: 'json' }).$type<Record<string, unknown>>(),
    problems: text('problems', { mode: 'json' }).$type<{ line: number; reason: string }[]>().notNull(),
    status: text('status', { enum: PEOPLE_IMPORT_STATUSES }).notNull(),
    error: text('error'),
    createdAt: instant('created_at').notNull(),
    appliedAt: instant('applied_at'),
    /** When the running apply was claimed: with APPLY_LEASE_MS it tells any process whether it is still running. */
    applyStartedAt: instant('apply_started_at'),
    /** How many changes the running apply writes (the plan's size), stored when it is claimed. */
    applyTotal: integer('apply_total'),
  },
  (t) => [
    index('people_imports_org_idx').on(t.orgId, t.createdAt),
    check('people_imports_status_valid', inList('status', PEOPLE_IMPORT_STATUSES)),
  ],
);
export type PeopleImport = typeof peopleImports.$inferSelect;

/**
 * An organisation's own target level for one role, tier and skill (ADR 035).
 * Append-only, like ratings: each change is a new row saying who set what and
 * what it replaced, and the latest row per (org, role, tier, skill) is the one
 * in force. `level` null means "no target here"; `revert` true hands the target
 * back to the content's suggestion.
 */
export const skillTargetOverrides = sqliteTable(
  'skill_target_overrides',
  {
    id: serialId(),
    orgId: orgRef(),
    jobRole: text('job_role').notNull(),
    tier: text('tier').notNull(),
    skillId: skillRef(),
    level: integer('level'),
    /** The level in force before this row (the suggestion's or an earlier override's), for the history. */
    previousLevel: integer('previous_level'),
    revert: integer('revert', { mode: 'boolean' }).notNull().default(false),
    setByUserId: userRef('set_by_user_id'),
    setAt: instant('set_at').notNull(),
  },
  (t) => [
    check('skill_target_overrides_level_valid', sql.raw('level is null or level between 1 and 4')),
    index('skill_target_overrides_key_idx').on(t.orgId, t.jobRole, t.tier, t.skillId, t.id),
  ],
);
export type SkillTargetOverride = typeof skillTargetOverrides.$inferSelect;

export const LEARNING_RESOURCE_KINDS = ['course', 'article', 'video', 'book', 'internal', 'other'] as const;

/** A learning resource an admin attached to a skill: shown in "What to learn next". */
export const learningResources = sqliteTable(
  'learning_resources',
  {
    id: serialId(),
    orgId: orgRef(),
    skillId: skillRef(),
    title: text('title').notNull(),
    url: text('url').notNull(),
    kind: text('kind', { enum: LEARNING_RESOURCE_KINDS }).notNull(),
    /** Time needed, in minutes; null when unknown. */
    minutes: integer('minutes'),
    createdByUserId: userRef('created_by_user_id'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    check('learning_resources_kind_valid', inList('kind', LEARNING_RESOURCE_KINDS)),
    index('learning_resources_org_skill_idx').on(t.orgId, t.skillId),
  ],
);
export type LearningResource = typeof learningResources.$inferSelect;

// --- reviews (issue 17, ADR 034) ---
// A cycle a manager or admin opens, and one review per person in it. The
// review's whole state (the frozen snapshot of skills, level definitions and
// targets, both assessments, the agreement and sign-offs) is one JSON column
// validated by reviewStateSchema in src/lib/domain/reviews.ts, so later content
// or target edits never reach it. `step` repeats stepOf(state) for the overview.

export const reviewCycles = sqliteTable(
  'review_cycles',
  {
    id: serialId(),
    orgId: orgRef(),
    name: text('name').notNull(),
    /** The organisation's calendar day the reviews are due (YYYY-MM-DD). */
    dueOn: text('due_on').notNull(),
    openedByUserId: userRef('opened_by_user_id'),
    createdAt: createdAt(),
  },
  (t) => [index('review_cycles_org_idx').on(t.orgId, t.createdAt)],
);
export type ReviewCycle = typeof reviewCycles.$inferSelect;

export const reviews = sqliteTable(
  'reviews',
  {
    id: serialId(),
    orgId: orgRef(),
    cycleId: integer('cycle_id')
      .notNull()
      .references(() => reviewCycles.id),
    subjectUserId: userRef('subject_user_id'),
    /** The manager who reviews: the team's manager when opened (or the admin who opened it). */
    reviewerUserId: userRef('reviewer_user_id'),
    step: text('step').notNull(),
    state: text('state').notNull(),
    completedAt: instant('completed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('reviews_cycle_subject_unique').on(t.cycleId, t.subjectUserId), index('reviews_subject_idx').on(t.subjectUserId)],
);
export type Review = typeof reviews.$inferSelect;

// --- Trends (issue 17, decision 038) ---------------------------------------------------
// One row per team per day: the counts of src/lib/domain/trends.ts. Written by
// the daily trends job (source 'daily') and, for past month ends, by its
// back-fill from the dated history (source 'backfill'). Cheap by design: 1,000
// teams make 1,000 rows a day whatever the number of people.

export const teamSnapshots = sqliteTable(
  'team_snapshots',
  {
    orgId: orgRef(),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    /** The organisation's calendar day (YYYY-MM-DD). */
    day: text('day').notNull(),
    source: text('source', { enum: SNAPSHOT_SOURCES }).notNull(),
    people: integer('people').notNull(),
    skillsTargeted: integer('skills_targeted').notNull(),
    skillsCovered: integer('skills_covered').notNull(),
    peopleWithTargets: integer('people_with_targets').notNull(),
    peopleBelowTarget: integer('people_below_target').notNull(),
    certsRequired: integer('certs_required').notNull(),
    certsValid: integer('certs_valid').notNull(),
    certsExpiring: integer('certs_expiring').notNull(),
    certsExpired: integer('certs_expired').notNull(),
    certsMissing: integer('certs_missing').notNull(),
    plans: integer('plans').notNull(),
    plansOnTrack: integer('plans_on_track').notNull(),
    plansAtRisk: integer('plans_at_risk').notNull(),
    plansLate: integer('plans_late').notNull(),
    computedAt: instant('computed_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.day] }),
    check('team_snapshots_source_valid', inList('source', SNAPSHOT_SOURCES)),
    check('team_snapshots_day_format', sql.raw(`day glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'`)),
    // The organisation's chart: every team's rows of a range of days.
    index('team_snapshots_org_day_idx').on(t.orgId, t.day),
  ],
);
export type TeamSnapshot = typeof teamSnapshots.$inferSelect;
