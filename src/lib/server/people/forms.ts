// The people forms: a person's profile, a new person (profile, email, team,
// account role, first password) and a role change. Built from the shared
// field rules in #domain/fields.ts; only "role and tier" is people's own rule,
// since it is checked against the job-role catalog.
import { z } from 'zod';
import { USER_ROLES } from '#domain/access.ts';
import { choiceOf, emailAddress, personName, requiredDate, ticked } from '#domain/fields.ts';
import { isValidPosition, parsePosition, type JobRoleCatalog } from '#domain/job-roles.ts';
import { passwordSchema } from '#server/auth/password.ts';

/** The one "Role and tier" select (`<role slug>/<tier id>`), checked against the catalog. */
const positionField = (catalog: JobRoleCatalog) =>
  z.string({ error: 'Choose a role and tier.' }).transform((value, ctx) => {
    const position = parsePosition(value);
    if (!position || !isValidPosition(catalog, position.jobRole, position.tier)) {
      ctx.addIssue({ code: 'custom', message: 'Choose a role and tier from the list.' });
      return z.NEVER;
    }
    return position;
  });

const accountRole = choiceOf(USER_ROLES, 'Choose a role.');

export const profileSchema = (catalog: JobRoleCatalog) =>
  z.object({ displayName: personName, position: positionField(catalog), startDate: requiredDate('Enter a start date.') });

/**
 * How a new person gets in: an invitation by email (they choose their own
 * password), or, only where no mail can be delivered (no SMTP_URL), a
 * password generated or set by whoever adds them, which they must replace at
 * first sign-in (decision 023).
 */
export const PASSWORD_MODES = ['invite', 'generate', 'set'] as const;

export const newPersonSchema = (catalog: JobRoleCatalog, options: { mailDelivers: boolean } = { mailDelivers: false }) =>
  profileSchema(catalog)
    .extend({
      email: emailAddress,
      teamId: z.string().optional().default(''),
      role: accountRole.optional().default('member'),
      passwordMode: choiceOf(PASSWORD_MODES, 'Choose how they get their first password.').default('invite'),
      password: z.string().optional(),
    })
    .superRefine((v, ctx) => {
      if (options.mailDelivers && v.passwordMode !== 'invite') {
        ctx.addIssue({
          code: 'custom',
          path: ['passwordMode'],
          message: 'Mail is delivered here: send an invitation, so they choose their own password.',
        });
        return;
      }
      if (v.passwordMode !== 'set') return;
      const result = passwordSchema.safeParse(v.password ?? '');
      if (!result.success) ctx.addIssue({ code: 'custom', path: ['password'], message: result.error.issues[0]!.message });
    });

export const roleChangeSchema = z.object({ role: accountRole });

/** Deactivation ends every session at once, so the form asks for a ticked box first (no JavaScript needed). */
export const deactivationSchema = z.object({
  confirm: ticked('Tick the box to confirm: deactivating ends their sessions and stops them signing in.'),
});

export const membershipRemovalSchema = z.object({
  confirm: ticked('Tick the box to confirm: their manager in that team no longer sees them.'),
});
