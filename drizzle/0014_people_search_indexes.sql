CREATE INDEX `users_org_name_idx` ON `users` (`org_id`,lower(display_name),`id`);--> statement-breakpoint
CREATE INDEX `users_org_email_idx` ON `users` (`org_id`,`email`);