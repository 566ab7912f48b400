// The organisation's certification settings (admins only): the reminder lead
// times, kept in organisations.settings beside other features' keys (the time
// zone is the organisation's own setting: #server/organisation), and the
// settings page's read (with the tier requirements and the role guides'
// recommendations beside them).
import { z } from 'zod';
import { MAX_LEAD_COUNT, MAX_LEAD_DAYS, normaliseLeadDays } from '#domain/certifications.ts';
import { isAdmin, type Actor } from '#domain/access.ts';
import type { FormValues } from '#domain/fields.ts';
import { describePosition, positionValue, type JobRoleCatalog } from '#domain/job-roles.ts';
import type { CertificationContent } from '#catalog/catalogs.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { mergeOrganisationSettings, ownOrganisation } from '#server/organisation/index.ts';
import type { ActionContext } from '#server/request/context.ts';
import { forbidden, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import { listRequirements, loadCertificationSettings, settingsFrom, type CertificationSettings } from './queries.ts';

const leadDaysField = z.string({ error: 'Enter the lead times in days, for example 90, 60, 30, 7.' }).transform((value, ctx) => {
  const words = value.split(/[\s,;]+/).filter(Boolean);
  if (words.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'Enter at least one lead time, for example 90, 60, 30, 7.' });
    return z.NEVER;
  }
  const bad = words.find((w) => !/^\d{1,3}$/.test(w) || Number(w) < 1 || Number(w) > MAX_LEAD_DAYS);
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `"${bad.slice(0, 20)}" is not a whole number of days from 1 to ${MAX_LEAD_DAYS}.` });
    return z.NEVER;
  }
  const days = normaliseLeadDays(words.map(Number));
  if (days.length > MAX_LEAD_COUNT) {
    ctx.addIssue({ code: 'custom', message: `Use at most ${MAX_LEAD_COUNT} different lead times.` });
    return z.NEVER;
  }
  return days;
});

export async function updateCertificationSettings(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<CertificationSettings>> {
  if (!isAdmin(ctx.actor)) return forbidden();
  const parsed = parseInput(z.object({ leadDays: leadDaysField }), form);
  if (!parsed.ok) return parsed;
  return db.transaction(async (tx) => {
    const org = await ownOrganisation(tx, ctx.actor);
    if (!org) return notFound();
    const before = settingsFrom(org.settings);
    const next = { ...before, leadDays: parsed.value.leadDays };
    await mergeOrganisationSettings(tx, ctx, org, { certificationReminderDays: next.leadDays }, 'certification.settings_updated', {
      before: { leadDays: before.leadDays },
      after: { leadDays: next.leadDays },
    });
    return ok(next);
  });
}

export type CertificationSettingsView = {
  settings: CertificationSettings;
  requirements: { position: string; positionLabel: string; certificationId: string; certificationName: string }[];
  /** Per role tier, in ladder order: the role guide's recommended certifications (advice, never counted as missing). */
  recommendations: { positionLabel: string; certificationNames: string[] }[];
  /** The certification choices of the "Require a certification" form. */
  certifications: { id: string; name: string }[];
};

/** The settings page: admins only. */
export async function certificationSettingsView(
  db: Executor,
  actor: Actor,
  content: CertificationContent,
  roles: JobRoleCatalog,
): Promise<Outcome<CertificationSettingsView>> {
  if (!isAdmin(actor)) return forbidden();
  const settings = await loadCertificationSettings(db, actor.orgId);
  const requirements = await listRequirements(db, actor.orgId);
  const certName = (id: string) => content.catalog.get(id)?.name ?? `${id} (no longer in the catalog)`;
  return ok({
    settings,
    requirements: requirements.map((r) => ({
      position: positionValue(r.jobRole, r.tier),
      positionLabel: describePosition(roles, r.jobRole, r.tier),
      certificationId: r.certificationId,
      certificationName: certName(r.certificationId),
    })),
    recommendations: roles.flatMap((role) =>
      role.tiers.map((tier) => ({
        positionLabel: `${role.title}: ${tier.title}`,
        certificationNames: [...(content.recommended.get(positionValue(role.slug, tier.id)) ?? [])].map(certName),
      })),
    ),
    certifications: [...content.catalog.values()].map((c) => ({ id: c.id, name: c.name })),
  });
}
