CREATE TABLE `rate_limit_buckets` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`tokens` integer NOT NULL,
	`refilled_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
