CREATE TABLE `calendar_feed_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`secret_hash` blob NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `calendar_feed_tokens_user_idx` ON `calendar_feed_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `certification_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`certification_id` text NOT NULL,
	`status` text NOT NULL,
	`earned_on` text,
	`expires_on` text,
	`expiry_source` text,
	`credential_id` text,
	`verification_url` text,
	`note` text,
	`renews_record_id` integer,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`renews_record_id`) REFERENCES `certification_records`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "certification_records_status_valid" CHECK(status in ('planned', 'in_progress', 'earned')),
	CONSTRAINT "certification_records_earned_has_date" CHECK((status = 'earned') = (earned_on is not null)),
	CONSTRAINT "certification_records_expiry_after_earned" CHECK(expires_on is null or (earned_on is not null and expires_on > earned_on))
);
--> statement-breakpoint
CREATE INDEX `certification_records_user_idx` ON `certification_records` (`user_id`,`certification_id`);--> statement-breakpoint
CREATE INDEX `certification_records_org_idx` ON `certification_records` (`org_id`,`certification_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `certification_records_renews_unique` ON `certification_records` (`renews_record_id`);--> statement-breakpoint
CREATE TABLE `certification_reminders_handled` (
	`record_id` integer NOT NULL,
	`reminder_on` text NOT NULL,
	`handled_by` integer NOT NULL,
	`handled_at` integer NOT NULL,
	PRIMARY KEY(`record_id`, `reminder_on`),
	FOREIGN KEY (`record_id`) REFERENCES `certification_records`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`handled_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `certification_requirements` (
	`org_id` integer NOT NULL,
	`job_role` text NOT NULL,
	`tier` text NOT NULL,
	`certification_id` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `job_role`, `tier`, `certification_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
