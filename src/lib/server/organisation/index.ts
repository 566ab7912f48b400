// The organisation's own settings (admins only): its time zone, whose
// calendar date is "today" for everyone in it (docs/decisions/006), and how
// its spreadsheets write CSV (separator and date order, decision 019). Kept in
// organisations.settings beside other features' keys (the certification
// reminder lead times), so every write merges.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { canAdministerOrganisation, type Actor } from '#domain/access.ts';
import { DEFAULT_TIME_ZONE, isValidTimeZone, organisationTimeZone } from '#domain/calendar.ts';
import type { FormValues } from '#domain/fields.ts';
import {
  isSpreadsheetLocale,
  spreadsheetLocale,
  SPREADSHEET_LOCALES,
  type SpreadsheetLocale,
  type SpreadsheetLocaleId,
} from '#domain/spreadsheet-locale.ts';
import { writeActorAudit, type AuditAction, type AuditEvent } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { organisations, type Organisation, type OrganisationSettings } from '#server/db/schema.ts';
import { forbidden, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { env } from '#server/env.ts';

export type OrganisationSettingsView = {
  name: string;
  timeZone: string;
  /** Every zone the form offers, UTC first. */
  timeZones: string[];
  /** The spreadsheet setting's id, and the choices. */
  spreadsheetLocale: string;
  spreadsheetLocales: readonly SpreadsheetLocale[];
  /** Company sign-in's settings, or null when OIDC_* are not set (then the form is not offered). */
  companySignIn: { providerName: string; requireCompanySignIn: boolean; createPeopleOnFirstSignIn: boolean } | null;
};

const timeZones = () => [...new Set([DEFAULT_TIME_ZONE, ...Intl.supportedValuesOf('timeZone')])];

/** The actor's own organisation. */
export async function ownOrganisation(db: Executor, actor: Actor): Promise<Organisation | undefined> {
  const [org] = await db.select().from(organisations).where(eq(organisations.id, actor.orgId)).limit(1);
  return org;
}

/** Writes some keys of the organisation's settings, keeping every other feature's keys, with the change's audit row. */
export async function mergeOrganisationSettings(
  tx: Executor,
  ctx: ActionContext,
  org: Organisation,
  patch: Partial<OrganisationSettings>,
  action: AuditAction,
  change: Pick<AuditEvent, 'before' | 'after'>,
): Promise<void> {
  await tx
    .update(organisations)
    .set({ settings: { ...org.settings, ...patch } })
    .where(eq(organisations.id, org.id));
  await writeActorAudit(tx, ctx, action, { type: 'organisation', id: org.id }, change);
}

/** The organisation section of the admin area. */
export async function organisationSettings(db: Executor, actor: Actor): Promise<Outcome<OrganisationSettingsView>> {
  if (!canAdministerOrganisation(actor)) return forbidden();
  const org = await ownOrganisation(db, actor);
  if (!org) return notFound();
  return ok({
    name: org.name,
    timeZone: organisationTimeZone(org.settings.timeZone),
    timeZones: timeZones(),
    spreadsheetLocale: spreadsheetLocale(org.settings.spreadsheetLocale).id,
    spreadsheetLocales: SPREADSHEET_LOCALES,
    companySignIn: companySignInView(org.settings),
  });
}

function companySignInView(settings: OrganisationSettings): OrganisationSettingsView['companySignIn'] {
  const config = env().companySignIn;
  if (!config) return null;
  return {
    providerName: config.name,
    requireCompanySignIn: settings.requireCompanySignIn === true,
    createPeopleOnFirstSignIn: settings.createPeopleOnFirstSignIn === true,
  };
}

/** How the actor's organisation writes CSV: every signed-in person's imports and exports follow it. */
export async function organisationSpreadsheetLocale(db: Executor, actor: Actor): Promise<SpreadsheetLocale> {
  const [org] = await db.select({ settings: organisations.settings }).from(organisations).where(eq(organisations.id, actor.orgId)).limit(1);
  return spreadsheetLocale(org?.settings.spreadsheetLocale);
}

const timeZoneForm = z.object({
  timeZone: z
    .string({ error: 'Choose a time zone.' })
    .trim()
    .refine((tz) => isValidTimeZone(tz), { error: 'Choose a time zone from the list.' }),
});

/** Sets the time zone; sessions pick it up on their next request (the session lookup reads it). */
export async function setOrganisationTimeZone(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<{ timeZone: string }>> {
  if (!canAdministerOrganisation(ctx.actor)) return forbidden();
  const parsed = parseInput(timeZoneForm, form);
  if (!parsed.ok) return parsed;
  const { timeZone } = parsed.value;
  return db.transaction(async (tx) => {
    const org = await ownOrganisation(tx, ctx.actor);
    if (!org) return notFound();
    const before = organisationTimeZone(org.settings.timeZone);
    if (before === timeZone && org.settings.timeZone === timeZone) return ok({ timeZone });
    await mergeOrganisationSettings(tx, ctx, org, { timeZone }, 'org.time_zone_changed', {
      before: { timeZone: before },
      after: { timeZone },
    });
    return ok({ timeZone });
  });
}

const spreadsheetForm = z.object({
  spreadsheetLocale: z
    .string({ error: 'Choose how your spreadsheets write CSV.' })
    .trim()
    .refine((id) => isSpreadsheetLocale(id), { error: 'Choose one of the listed settings.' }),
});

/** Sets the separator exports use and the order imports read dates in; the next export or import follows it. */
export async function setOrganisationSpreadsheetLocale(
  db: Db,
  ctx: ActionContext,
  form: FormValues,
): Promise<Outcome<{ spreadsheetLocale: SpreadsheetLocaleId }>> {
  if (!canAdministerOrganisation(ctx.actor)) return forbidden();
  const parsed = parseInput(spreadsheetForm, form);
  if (!parsed.ok) return parsed;
  const id = parsed.value.spreadsheetLocale as SpreadsheetLocaleId;
  return db.transaction(async (tx) => {
    const org = await ownOrganisation(tx, ctx.actor);
    if (!org) return notFound();
    const before = spreadsheetLocale(org.settings.spreadsheetLocale).id;
    if (org.settings.spreadsheetLocale === id) return ok({ spreadsheetLocale: id });
    await mergeOrganisationSettings(tx, ctx, org, { spreadsheetLocale: id }, 'org.spreadsheet_locale_changed', {
      before: { spreadsheetLocale: before },
      after: { spreadsheetLocale: id },
    });
    return ok({ spreadsheetLocale: id });
  });
}

// A checkbox posts "yes" when ticked and nothing otherwise.
const checkbox = z.literal('yes', { error: 'Tick the box or leave it empty.' }).optional();
const companySignInForm = z.object({ requireCompanySignIn: checkbox, createPeopleOnFirstSignIn: checkbox });

type CompanySignInChoice = Required<Pick<OrganisationSettings, 'requireCompanySignIn' | 'createPeopleOnFirstSignIn'>>;

/**
 * Company sign-in's two switches (decision 025). Offered only while OIDC_* are
 * set: requiring a provider that is not configured would leave only admins able to sign in.
 */
export async function setCompanySignIn(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<CompanySignInChoice>> {
  if (!canAdministerOrganisation(ctx.actor)) return forbidden();
  if (!env().companySignIn) return notFound();
  const parsed = parseInput(companySignInForm, form);
  if (!parsed.ok) return parsed;
  const after: CompanySignInChoice = {
    requireCompanySignIn: parsed.value.requireCompanySignIn === 'yes',
    createPeopleOnFirstSignIn: parsed.value.createPeopleOnFirstSignIn === 'yes',
  };
  return db.transaction(async (tx) => {
    const org = await ownOrganisation(tx, ctx.actor);
    if (!org) return notFound();
    const before: CompanySignInChoice = {
      requireCompanySignIn: org.settings.requireCompanySignIn === true,
      createPeopleOnFirstSignIn: org.settings.createPeopleOnFirstSignIn === true,
    };
    if (
      before.requireCompanySignIn === after.requireCompanySignIn &&
      before.createPeopleOnFirstSignIn === after.createPeopleOnFirstSignIn
    ) {
      return ok(after);
    }
    await mergeOrganisationSettings(tx, ctx, org, after, 'org.company_sign_in_changed', { before, after });
    return ok(after);
  });
}
