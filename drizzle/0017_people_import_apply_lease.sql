ALTER TABLE `people_imports` ADD `apply_started_at` integer;--> statement-breakpoint
ALTER TABLE `people_imports` ADD `apply_total` integer;