-- Custom migration (drizzle-kit cannot express an index on an expression):
-- indexes for the audit log page's filters (decision 029). Each starts with the
-- organisation and the filtered value and ends with `at` (and the rowid, which
-- every SQLite index holds), so a filtered page is read newest first straight
-- from the index. The kind expression is AUDIT_KIND_SQL in
-- src/lib/server/audit/queries.ts, character for character: SQLite uses an
-- expression index only for the same expression.
CREATE INDEX `audit_log_org_kind_at_idx` ON `audit_log` (`org_id`, (CASE substr(action, 1, instr(action, '.') - 1) WHEN 'auth' THEN 'sign-in' WHEN 'user' THEN 'people' WHEN 'team' THEN 'people' WHEN 'people' THEN 'people' WHEN 'skill' THEN 'ratings' WHEN 'certification' THEN 'certifications' WHEN 'ramp' THEN 'ramp' WHEN 'account' THEN 'account' WHEN 'calendar' THEN 'account' WHEN 'notification' THEN 'account' WHEN 'outbox' THEN 'outbox' WHEN 'org' THEN 'settings' ELSE 'other' END), `at`);
--> statement-breakpoint
CREATE INDEX `audit_log_org_actor_at_idx` ON `audit_log` (`org_id`, `actor_user_id`, `at`);
--> statement-breakpoint
-- The person and actor selectors look people up by a name prefix in any case (LIKE 'ana%').
CREATE INDEX `users_org_name_nocase_idx` ON `users` (`org_id`, `display_name` COLLATE NOCASE);
