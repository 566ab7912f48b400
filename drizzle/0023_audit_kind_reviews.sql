-- Custom migration (drizzle-kit cannot express an index on an expression):
-- skills reviews get their own kind in the audit log's filter (review.* was
-- "Other"), so the kind expression changes and its index is built again on
-- the new text. The expression is AUDIT_KIND_SQL in
-- src/lib/server/audit/queries.ts, character for character: SQLite uses an
-- expression index only for the same expression. Migration 0013 built the
-- index this replaces.
DROP INDEX IF EXISTS `audit_log_org_kind_at_idx`;
--> statement-breakpoint
CREATE INDEX `audit_log_org_kind_at_idx` ON `audit_log` (`org_id`, (CASE substr(action, 1, instr(action, '.') - 1) WHEN 'auth' THEN 'sign-in' WHEN 'user' THEN 'people' WHEN 'team' THEN 'people' WHEN 'people' THEN 'people' WHEN 'skill' THEN 'ratings' WHEN 'review' THEN 'reviews' WHEN 'certification' THEN 'certifications' WHEN 'ramp' THEN 'ramp' WHEN 'account' THEN 'account' WHEN 'calendar' THEN 'account' WHEN 'notification' THEN 'account' WHEN 'outbox' THEN 'outbox' WHEN 'org' THEN 'settings' ELSE 'other' END), `at`);
