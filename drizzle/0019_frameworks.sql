CREATE TABLE `learning_resources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`skill_id` text NOT NULL,
	`title` text NOT NULL,
	`url` text NOT NULL,
	`kind` text NOT NULL,
	`minutes` integer,
	`created_by_user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`skill_id`) REFERENCES `skills`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "learning_resources_kind_valid" CHECK(kind in ('course', 'article', 'video', 'book', 'internal', 'other'))
);
--> statement-breakpoint
CREATE INDEX `learning_resources_org_skill_idx` ON `learning_resources` (`org_id`,`skill_id`);--> statement-breakpoint
CREATE TABLE `skill_target_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`job_role` text NOT NULL,
	`tier` text NOT NULL,
	`skill_id` text NOT NULL,
	`level` integer,
	`previous_level` integer,
	`revert` integer DEFAULT false NOT NULL,
	`set_by_user_id` integer NOT NULL,
	`set_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`skill_id`) REFERENCES `skills`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`set_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "skill_target_overrides_level_valid" CHECK(level is null or level between 1 and 4)
);
--> statement-breakpoint
CREATE INDEX `skill_target_overrides_key_idx` ON `skill_target_overrides` (`org_id`,`job_role`,`tier`,`skill_id`,`id`);--> statement-breakpoint
-- Hand-written (drizzle-kit cannot express triggers): target overrides are the
-- history admins and auditors read, so no row may be rewritten or removed.
CREATE TRIGGER `skill_target_overrides_no_update` BEFORE UPDATE ON `skill_target_overrides`
BEGIN
	SELECT RAISE(ABORT, 'skill_target_overrides is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `skill_target_overrides_no_delete` BEFORE DELETE ON `skill_target_overrides`
BEGIN
	SELECT RAISE(ABORT, 'skill_target_overrides is append-only');
END;
--> statement-breakpoint
-- A target change moves what the matrix and its cached export show (migration 0008).
CREATE TRIGGER `org_data_versions_target_override_insert` AFTER INSERT ON `skill_target_overrides`
BEGIN
	INSERT INTO `org_data_versions` (`org_id`, `version`) VALUES (NEW.`org_id`, 1) ON CONFLICT (`org_id`) DO UPDATE SET `version` = `version` + 1;
END;
