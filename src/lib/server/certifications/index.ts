// The certification tracker's public face: records (a renewal is a new record
// linked to the one it renews; edits are audited with before/after), the
// organisation's reminder lead times and time zone (organisations.settings),
// tier requirements (organisation policy, set by admins), handled reminders,
// the compliance matrix and its CSV, and calendar feed tokens and the feed.
//
// Every read takes the actor and the organisation's today from the caller and
// answers an Outcome; every action takes the ActionContext (its `today` is the
// organisation's date), authorizes itself, validates with zod, and writes its
// audit row in the same transaction as the change, so a denied or invalid
// request changes nothing. The calendar feed has no session: its token is the
// credential.
//
// The certification catalog and the role guides' recommendations are content
// (#catalog: Catalogs.certifications), which callers pass in.
export type { CertificationSettings, RecordRow } from './queries.ts';
export { certificationSettingsView, updateCertificationSettings, type CertificationSettingsView } from './settings.ts';
export { addRequirement, removeRequirement } from './requirements.ts';
export { addRecord, ownCertificationsView, renewRecord, updateRecord, type CertificationGroup, type OwnCertifications } from './records.ts';
export { complianceCsvRows, complianceMatrixView, type ComplianceFilters, type ComplianceView } from './compliance.ts';
export {
  dueRemindersFor,
  markReminderHandled,
  reminderListFor,
  type DueReminderItem,
  type DueReminders,
  type ReminderList,
} from './reminders.ts';
export {
  calendarFeed,
  calendarFeedUrl,
  createCalendarToken,
  feedEtag,
  isNotModified,
  revokeCalendarToken,
  revokeFeedTokensOf,
  type CalendarFeed,
} from './calendar-feed.ts';
