// The import's template: the header and one example row, in the organisation's
// separator and date order, so a file started from it imports as it is read.
// The example is a real rating the actor could give (someone they may rate, a
// skill of the catalog, today), marked as an example in its note: it imports
// cleanly, and the preview shows it before anything is written.
import { canOverseeTeams, type Actor } from '#domain/access.ts';
import type { IsoDate } from '#domain/calendar.ts';
import { toCsv } from '#domain/csv.ts';
import { IMPORT_COLUMNS } from '#domain/skills-import.ts';
import { writeSpreadsheetDate } from '#domain/spreadsheet-locale.ts';
import type { Executor } from '#server/db/client.ts';
import { organisationSpreadsheetLocale } from '#server/organisation/index.ts';
import { forbidden, ok, type Outcome } from '#server/outcome.ts';
import { ratablePeople } from './import.ts';
import { listOrgSkills } from './queries.ts';

export const TEMPLATE_NOTE = 'Example row: replace it with your ratings or delete it';
/** Where nobody may be rated yet: clearly not an address (RFC 2606). */
const PLACEHOLDER_EMAIL = 'name@example.invalid';

export type ImportTemplate = { body: string; fileName: string };

export async function importTemplate(db: Executor, actor: Actor, today: IsoDate): Promise<Outcome<ImportTemplate>> {
  if (!canOverseeTeams(actor)) return forbidden('Only managers and admins import ratings.');
  const [locale, people, skills] = await Promise.all([
    organisationSpreadsheetLocale(db, actor),
    ratablePeople(db, actor),
    listOrgSkills(db, actor.orgId),
  ]);
  const email = [...people.keys()].sort()[0] ?? PLACEHOLDER_EMAIL;
  const skill = skills[0]?.id ?? 'spreadsheets';
  const csv = toCsv([IMPORT_COLUMNS, [email, skill, 2, writeSpreadsheetDate(today, locale), TEMPLATE_NOTE]], locale.separator);
  // A byte-order mark, as the exports have, so a spreadsheet reads names as UTF-8.
  return ok({ body: `\uFEFF${csv}\r\n`, fileName: `ratings-template-${locale.id}.csv` });
}
