-- Custom migration (drizzle-kit cannot express triggers): skill ratings are
-- append-only. A new rating is a new row; the latest per person, skill and
-- kind is the current one, and the older ones are the history people see, so
-- no UPDATE or DELETE may rewrite them.
CREATE TRIGGER `skill_ratings_no_update` BEFORE UPDATE ON `skill_ratings`
BEGIN
	SELECT RAISE(ABORT, 'skill_ratings is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `skill_ratings_no_delete` BEFORE DELETE ON `skill_ratings`
BEGIN
	SELECT RAISE(ABORT, 'skill_ratings is append-only');
END;
