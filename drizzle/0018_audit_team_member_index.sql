-- Custom migration (drizzle-kit cannot express an index on an expression):
-- the audit log's person filter also finds team-membership events, which
-- name the team as their target and keep the person in the JSON (decision
-- 032). Partial (target_type = 'team') so other rows cost nothing. The
-- expression is AUDIT_TEAM_MEMBER_SQL in src/lib/server/audit/queries.ts,
-- character for character: SQLite uses an expression index only for the same
-- expression.
CREATE INDEX `audit_log_team_member_idx` ON `audit_log` ((coalesce(json_extract(after, '$.userId'), json_extract(before, '$.userId')))) WHERE target_type = 'team';
