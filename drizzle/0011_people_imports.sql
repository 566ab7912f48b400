CREATE TABLE `people_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`created_by_user_id` integer NOT NULL,
	`file_name` text NOT NULL,
	`format` text NOT NULL,
	`source` text NOT NULL,
	`options` text NOT NULL,
	`plan` text,
	`problems` text NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`applied_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "people_imports_status_valid" CHECK(status in ('previewed', 'applying', 'applied', 'stale', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `people_imports_org_idx` ON `people_imports` (`org_id`,`created_at`);