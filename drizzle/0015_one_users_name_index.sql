-- One name index instead of three (decision 033): (org_id, name NOCASE, id) is
-- the order and the prefix range of every list of people; users_org_name_nocase_idx
-- came from the hand-written 0013, so drizzle-kit does not know to drop it.
DROP INDEX `users_org_active_name_idx`;--> statement-breakpoint
DROP INDEX IF EXISTS `users_org_name_nocase_idx`;--> statement-breakpoint
DROP INDEX `users_org_name_idx`;--> statement-breakpoint
CREATE INDEX `users_org_name_idx` ON `users` (`org_id`,display_name collate nocase,`id`);
