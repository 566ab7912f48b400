-- Custom migration (drizzle-kit cannot express triggers): the audit log is
-- append-only. Rows may be inserted; any UPDATE or DELETE aborts, whoever
-- issues it, so a bug or a compromised page cannot rewrite history.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
