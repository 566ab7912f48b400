CREATE TABLE `skill_ratings_current` (
	`subject_user_id` integer NOT NULL,
	`skill_id` text NOT NULL,
	`org_id` integer NOT NULL,
	`self_level` integer,
	`self_rated_at` integer,
	`self_rating_id` integer,
	`manager_level` integer,
	`manager_rated_at` integer,
	`manager_rating_id` integer,
	PRIMARY KEY(`subject_user_id`, `skill_id`),
	FOREIGN KEY (`subject_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`skill_id`) REFERENCES `skills`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `skill_ratings_current_org_skill_idx` ON `skill_ratings_current` (`org_id`,`skill_id`,`manager_level`,`self_level`,`subject_user_id`);--> statement-breakpoint
-- Hand-written below (drizzle-kit cannot express triggers): skill_ratings is
-- append-only (0004), so an insert is the only change to follow. The newer of
-- the stored and the inserted rating wins, by rated_at and then id, the order
-- the history uses; an older rating entered late (an import of last year's
-- review) leaves the current one alone.
CREATE TRIGGER `skill_ratings_current_self` AFTER INSERT ON `skill_ratings` WHEN NEW.`kind` = 'self'
BEGIN
	INSERT INTO `skill_ratings_current` (`subject_user_id`, `skill_id`, `org_id`, `self_level`, `self_rated_at`, `self_rating_id`)
	VALUES (NEW.`subject_user_id`, NEW.`skill_id`, NEW.`org_id`, NEW.`level`, NEW.`rated_at`, NEW.`id`)
	ON CONFLICT (`subject_user_id`, `skill_id`) DO UPDATE SET
		`self_level` = excluded.`self_level`, `self_rated_at` = excluded.`self_rated_at`, `self_rating_id` = excluded.`self_rating_id`
	WHERE `skill_ratings_current`.`self_rated_at` IS NULL
		OR excluded.`self_rated_at` > `skill_ratings_current`.`self_rated_at`
		OR (excluded.`self_rated_at` = `skill_ratings_current`.`self_rated_at` AND excluded.`self_rating_id` > `skill_ratings_current`.`self_rating_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `skill_ratings_current_manager` AFTER INSERT ON `skill_ratings` WHEN NEW.`kind` = 'manager'
BEGIN
	INSERT INTO `skill_ratings_current` (`subject_user_id`, `skill_id`, `org_id`, `manager_level`, `manager_rated_at`, `manager_rating_id`)
	VALUES (NEW.`subject_user_id`, NEW.`skill_id`, NEW.`org_id`, NEW.`level`, NEW.`rated_at`, NEW.`id`)
	ON CONFLICT (`subject_user_id`, `skill_id`) DO UPDATE SET
		`manager_level` = excluded.`manager_level`, `manager_rated_at` = excluded.`manager_rated_at`, `manager_rating_id` = excluded.`manager_rating_id`
	WHERE `skill_ratings_current`.`manager_rated_at` IS NULL
		OR excluded.`manager_rated_at` > `skill_ratings_current`.`manager_rated_at`
		OR (excluded.`manager_rated_at` = `skill_ratings_current`.`manager_rated_at` AND excluded.`manager_rating_id` > `skill_ratings_current`.`manager_rating_id`);
END;
--> statement-breakpoint
-- Ratings already stored: the latest of each kind per person x skill.
INSERT INTO `skill_ratings_current` (`subject_user_id`, `skill_id`, `org_id`, `self_level`, `self_rated_at`, `self_rating_id`, `manager_level`, `manager_rated_at`, `manager_rating_id`)
SELECT g.`subject_user_id`, g.`skill_id`, g.`org_id`, s.`level`, s.`rated_at`, s.`id`, m.`level`, m.`rated_at`, m.`id`
FROM (SELECT DISTINCT `org_id`, `subject_user_id`, `skill_id` FROM `skill_ratings`) g
LEFT JOIN `skill_ratings` s ON s.`id` = (
	SELECT x.`id` FROM `skill_ratings` x
	WHERE x.`org_id` = g.`org_id` AND x.`subject_user_id` = g.`subject_user_id` AND x.`skill_id` = g.`skill_id` AND x.`kind` = 'self'
	ORDER BY x.`rated_at` DESC, x.`id` DESC LIMIT 1)
LEFT JOIN `skill_ratings` m ON m.`id` = (
	SELECT x.`id` FROM `skill_ratings` x
	WHERE x.`org_id` = g.`org_id` AND x.`subject_user_id` = g.`subject_user_id` AND x.`skill_id` = g.`skill_id` AND x.`kind` = 'manager'
	ORDER BY x.`rated_at` DESC, x.`id` DESC LIMIT 1);
