// Tier requirements: organisation policy, set by admins. A person whose role
// tier requires a certification they do not hold shows as missing (the role
// guides' recommendations are content and never count as missing).
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { isAdmin } from '#domain/access.ts';
import type { FormValues } from '#domain/fields.ts';
import { isValidPosition, parsePosition, type JobRoleCatalog } from '#domain/job-roles.ts';
import type { CertificationContent } from '#catalog/catalogs.ts';
import { writeActorAudit, type AuditEvent } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { certificationRequirements } from '#server/db/schema.ts';
import type { ActionContext } from '#server/request/context.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import { certificationIdField } from './records.ts';

const requirementSchema = (content: CertificationContent, roles: JobRoleCatalog) =>
  z.object({
    position: z.string({ error: 'Choose a role and tier.' }).transform((value, ctx) => {
      const position = parsePosition(value);
      if (!position || !isValidPosition(roles, position.jobRole, position.tier)) {
        ctx.addIssue({ code: 'custom', message: 'Choose a role and tier from the list.' });
        return z.NEVER;
      }
      return position;
    }),
    certificationId: certificationIdField(content),
  });

/** Requirements are organisation policy: their audit rows name the organisation. */
const auditRequirement = (
  tx: Executor,
  ctx: ActionContext,
  action: 'certification.requirement_added' | 'certification.requirement_removed',
  change: Pick<AuditEvent, 'before' | 'after'>,
) => writeActorAudit(tx, ctx, action, { type: 'organisation', id: ctx.actor.orgId }, change);

export async function addRequirement(
  db: Db,
  ctx: ActionContext,
  form: FormValues,
  content: CertificationContent,
  roles: JobRoleCatalog,
): Promise<Outcome<null>> {
  if (!isAdmin(ctx.actor)) return forbidden();
  const parsed = parseInput(requirementSchema(content, roles), form);
  if (!parsed.ok) return parsed;
  const { position, certificationId } = parsed.value;
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(certificationRequirements)
      .values({ orgId: ctx.actor.orgId, ...position, certificationId, createdBy: ctx.actor.id, createdAt: ctx.now })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) return invalid({ certificationId: 'This tier already requires this certification.' }, undefined, 409);
    await auditRequirement(tx, ctx, 'certification.requirement_added', { after: { ...position, certificationId } });
    return ok(null);
  });
}

export async function removeRequirement(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<null>> {
  if (!isAdmin(ctx.actor)) return forbidden();
  const position = parsePosition(form.position ?? '');
  const certificationId = form.certificationId ?? '';
  if (!position || !certificationId) return notFound();
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(certificationRequirements)
      .where(
        and(
          eq(certificationRequirements.orgId, ctx.actor.orgId),
          eq(certificationRequirements.jobRole, position.jobRole),
          eq(certificationRequirements.tier, position.tier),
          eq(certificationRequirements.certificationId, certificationId),
        ),
      )
      .returning();
    if (removed.length === 0) return notFound();
    await auditRequirement(tx, ctx, 'certification.requirement_removed', { before: { ...position, certificationId } });
    return ok(null);
  });
}
