CREATE INDEX `ramp_plans_user_idx` ON `ramp_plans` (`user_id`);--> statement-breakpoint
CREATE INDEX `ramp_tasks_buddy_idx` ON `ramp_tasks` (`buddy_user_id`);