CREATE TABLE `org_data_versions` (
	`org_id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Hand-written below (drizzle-kit cannot express triggers): every change that
-- a skills matrix or export shows moves its organisation's counter, in the
-- same statement's transaction. Password and session changes do not.
CREATE TRIGGER `org_data_versions_org_created` AFTER INSERT ON `organisations`
BEGIN
	INSERT OR IGNORE INTO `org_data_versions` (`org_id`, `version`) VALUES (NEW.`id`, 1);
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_user_insert` AFTER INSERT ON `users`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_user_update` AFTER UPDATE OF `org_id`, `email`, `display_name`, `role`, `job_role`, `tier`, `start_date`, `active` ON `users`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `org_data_versions` (`org_id`, `version`) VALUES (OLD.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_user_delete` AFTER DELETE ON `users`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) VALUES (OLD.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_team_insert` AFTER INSERT ON `teams`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_team_update` AFTER UPDATE ON `teams`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `org_data_versions` (`org_id`, `version`) VALUES (OLD.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_team_delete` AFTER DELETE ON `teams`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) VALUES (OLD.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_membership_insert` AFTER INSERT ON `team_memberships`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) SELECT `org_id`, 1 FROM `teams` WHERE `id` = NEW.`team_id` ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_membership_update` AFTER UPDATE ON `team_memberships`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) SELECT `org_id`, 1 FROM `teams` WHERE `id` = NEW.`team_id` ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `org_data_versions` (`org_id`, `version`) SELECT `org_id`, 1 FROM `teams` WHERE `id` = OLD.`team_id` ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_membership_delete` AFTER DELETE ON `team_memberships`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) SELECT `org_id`, 1 FROM `teams` WHERE `id` = OLD.`team_id` ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_skill_insert` AFTER INSERT ON `skills`
BEGIN
	UPDATE `org_data_versions` SET `version` = `version` + 1 WHERE NEW.`org_id` IS NULL OR `org_id` = NEW.`org_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_skill_update` AFTER UPDATE ON `skills`
BEGIN
	UPDATE `org_data_versions` SET `version` = `version` + 1 WHERE NEW.`org_id` IS NULL OR `org_id` = NEW.`org_id`;
	UPDATE `org_data_versions` SET `version` = `version` + 1 WHERE OLD.`org_id` IS NULL OR `org_id` = OLD.`org_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_skill_delete` AFTER DELETE ON `skills`
BEGIN
	UPDATE `org_data_versions` SET `version` = `version` + 1 WHERE OLD.`org_id` IS NULL OR `org_id` = OLD.`org_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `org_data_versions_rating_insert` AFTER INSERT ON `skill_ratings`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
-- Organisations that exist already start at 1.
INSERT OR IGNORE INTO `org_data_versions` (`org_id`, `version`) SELECT `id`, 1 FROM `organisations`;
