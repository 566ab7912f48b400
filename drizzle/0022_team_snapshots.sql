CREATE TABLE `team_snapshots` (
	`org_id` integer NOT NULL,
	`team_id` integer NOT NULL,
	`day` text NOT NULL,
	`source` text NOT NULL,
	`people` integer NOT NULL,
	`skills_targeted` integer NOT NULL,
	`skills_covered` integer NOT NULL,
	`people_with_targets` integer NOT NULL,
	`people_below_target` integer NOT NULL,
	`certs_required` integer NOT NULL,
	`certs_valid` integer NOT NULL,
	`certs_expiring` integer NOT NULL,
	`certs_expired` integer NOT NULL,
	`certs_missing` integer NOT NULL,
	`plans` integer NOT NULL,
	`plans_on_track` integer NOT NULL,
	`plans_at_risk` integer NOT NULL,
	`plans_late` integer NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `day`),
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "team_snapshots_source_valid" CHECK(source in ('daily', 'backfill')),
	CONSTRAINT "team_snapshots_day_format" CHECK(day glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
);
--> statement-breakpoint
CREATE INDEX `team_snapshots_org_day_idx` ON `team_snapshots` (`org_id`,`day`);