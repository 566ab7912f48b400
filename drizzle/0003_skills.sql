CREATE TABLE `skill_ratings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`subject_user_id` integer NOT NULL,
	`rater_user_id` integer NOT NULL,
	`skill_id` text NOT NULL,
	`kind` text NOT NULL,
	`level` integer NOT NULL,
	`note` text,
	`evidence_url` text,
	`rated_at` integer NOT NULL,
	`import_key` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rater_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`skill_id`) REFERENCES `skills`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "skill_ratings_level_valid" CHECK(level between 0 and 4),
	CONSTRAINT "skill_ratings_kind_valid" CHECK(kind in ('self', 'manager')),
	CONSTRAINT "skill_ratings_self_by_subject" CHECK(kind <> 'self' or rater_user_id = subject_user_id)
);
--> statement-breakpoint
CREATE INDEX `skill_ratings_latest_idx` ON `skill_ratings` (`org_id`,`subject_user_id`,`skill_id`,`kind`,`rated_at`,`id`,`level`);--> statement-breakpoint
CREATE UNIQUE INDEX `skill_ratings_import_key_unique` ON `skill_ratings` (`import_key`);--> statement-breakpoint
CREATE TABLE `skills` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` integer,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`description` text NOT NULL,
	`source` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "skills_category_valid" CHECK(category in ('foundational', 'technical', 'soft')),
	CONSTRAINT "skills_source_valid" CHECK(source in ('content', 'admin'))
);
--> statement-breakpoint
CREATE INDEX `skills_org_idx` ON `skills` (`org_id`);