CREATE TABLE `ramp_plan_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`task_id` integer,
	`actor_user_id` integer,
	`action` text NOT NULL,
	`before` text,
	`after` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `ramp_plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ramp_plan_history_plan_idx` ON `ramp_plan_history` (`plan_id`,`id`);--> statement-breakpoint
CREATE TABLE `ramp_plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`template_role` text NOT NULL,
	`title` text NOT NULL,
	`phases` text NOT NULL,
	`start_date` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`ended_at` integer,
	`ended_by` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ended_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ramp_plans_status_valid" CHECK(status in ('active', 'completed', 'closed')),
	CONSTRAINT "ramp_plans_start_date_format" CHECK(start_date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ramp_plans_one_active_per_user` ON `ramp_plans` (`user_id`) WHERE status = 'active';--> statement-breakpoint
CREATE INDEX `ramp_plans_org_status_idx` ON `ramp_plans` (`org_id`,`status`);--> statement-breakpoint
CREATE TABLE `ramp_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`phase_id` text NOT NULL,
	`template_task_id` text,
	`title` text NOT NULL,
	`detail` text,
	`owner` text NOT NULL,
	`buddy_user_id` integer,
	`due_day` integer NOT NULL,
	`position` integer NOT NULL,
	`skill_id` text,
	`kpi_id` text,
	`done_at` integer,
	`done_by` integer,
	`note` text,
	`evidence_url` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `ramp_plans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`buddy_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`done_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ramp_tasks_owner_valid" CHECK(owner in ('new-hire', 'manager', 'buddy')),
	CONSTRAINT "ramp_tasks_phase_valid" CHECK(phase_id in ('days-1-30', 'days-31-60', 'days-61-90')),
	CONSTRAINT "ramp_tasks_due_day_range" CHECK(due_day between 1 and 90),
	CONSTRAINT "ramp_tasks_title_length" CHECK(length(title) between 1 and 200),
	CONSTRAINT "ramp_tasks_done_pair" CHECK((done_at is null) = (done_by is null))
);
--> statement-breakpoint
CREATE INDEX `ramp_tasks_plan_idx` ON `ramp_tasks` (`plan_id`,`position`);