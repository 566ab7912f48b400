// Four server processes write to one SQLite file at once, through the app's
// real code paths (issue 8, item 2): skill ratings (the matrix editor's JSON
// endpoint and the person page's form), certification records (add and renew
// forms) and ramp task check-offs (JSON), for OPSPATH_CONCURRENCY_SECONDS
// (default 30 s), two requests in flight per process. Afterwards: every write
// a server acknowledged is in the database (and nothing it did not
// acknowledge), no request answered 5xx or mentioned SQLITE_BUSY / a locked
// database (bodies and server logs), every request was accepted, and
// PRAGMA integrity_check is ok.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import {
  Client,
  LOCK_ERRORS,
  count,
  integrity,
  open,
  scratchDatabase,
  signInCookie,
  startServer,
  userId,
  withDatabase,
  type Server,
} from '../support/processes.ts';

const SECONDS = Number(process.env.OPSPATH_CONCURRENCY_SECONDS ?? 30);
const SERVERS = 4;
const WORKERS_PER_SERVER = 2;

const scratch = scratchDatabase('concurrency');
const databaseUrl = scratch.url;
let servers: Server[] = [];

afterAll(() => scratch.dispose());

type Persona = { email: string; id: number; rates: number[]; tasks: number[]; certificationIds: string[] };

/** Everything the servers acknowledged, to compare with the database afterwards. */
const acked = {
  ratings: new Map<string, { subject: number; rater: number; skillId: string; level: number; id: number | null }>(),
  certifications: new Map<string, { userId: number; certificationId: string; earnedOn: string; renews: string | null }>(),
  /** Per task: the state of its last acknowledged check-off and how many acknowledged toggles changed it. */
  tasks: new Map<number, { done: boolean; changes: number }>(),
};
const failures: string[] = [];
const perServer = Array.from({ length: SERVERS }, () => ({ writes: 0 }));

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));

describe(`${SERVERS} server processes writing to one database for ${SECONDS} s`, () => {
  const personas: Persona[] = [];
  let skillIds: string[] = [];

  beforeAll(async () => {
    scratch.prepare();
    const catalog = [...loadCatalogsFromDisk().certifications.catalog.keys()];
    await withDatabase(databaseUrl, async (database) => {
      skillIds = (await database.db.all<{ id: string }>(sql`select id from skills where active = 1 order by position`)).map((r) => r.id);
      const team = async (name: string) =>
        (
          await database.db.all<{ id: number }>(
            sql`select m.user_id as id from team_memberships m join teams t on t.id = m.team_id where t.name = ${name} order by m.user_id`,
          )
        ).map((r) => Number(r.id));
      const planTasks = async (email: string, owners: string[]) =>
        (
          await database.db.all<{ id: number }>(sql`
            select t.id from ramp_tasks t join ramp_plans p on p.id = t.plan_id join users u on u.id = p.user_id
            where u.email = ${email} and p.status = 'active' and t.owner in (${sql.join(
              owners.map((o) => sql`${o}`),
              sql`, `,
            )}) order by t.id`)
        ).map((r) => Number(r.id));
      const held = async (id: number) =>
        new Set(
          (await database.db.all<{ c: string }>(sql`select certification_id as c from certification_records where user_id = ${id}`)).map(
            (r) => r.c,
          ),
        );
      const warehouse = await team('Warehouse Operations');
      const customer = await team('Customer Operations');
      const jonasTasks = await planTasks('jonas.weber@demo.opspath.test', ['new-hire', 'manager', 'buddy']);
      const specs = [
        // Each task is toggled by one persona only, so its last acknowledged state must be its final state.
        { email: 'manager@demo.opspath.test', rates: warehouse, tasks: await planTasks('newhire@demo.opspath.test', ['manager', 'buddy']) },
        { email: 'manager2@demo.opspath.test', rates: customer, tasks: jonasTasks.filter((_, i) => i % 2 === 0) },
        { email: 'admin@demo.opspath.test', rates: [...warehouse, ...customer], tasks: jonasTasks.filter((_, i) => i % 2 === 1) },
        // The new hire rates herself (a self rating) and checks off her own tasks.
        { email: 'newhire@demo.opspath.test', rates: [], tasks: await planTasks('newhire@demo.opspath.test', ['new-hire']) },
      ];
      for (const spec of specs) {
        const id = await userId(database, spec.email);
        const mine = await held(id);
        // Certifications the person holds no record of, so the renewals below always renew the current record.
        personas.push({
          ...spec,
          id,
          rates: spec.rates.length ? spec.rates.filter((p) => p !== id) : [id],
          certificationIds: catalog.filter((c) => !mine.has(c)),
        });
      }
    });
    for (const p of personas) expect(p.tasks.length, p.email).toBeGreaterThanOrEqual(WORKERS_PER_SERVER);
    servers = await Promise.all(Array.from({ length: SERVERS }, () => startServer(databaseUrl)));
  });

  it(
    'acknowledges every write, loses none, never answers 5xx or SQLITE_BUSY, and the file stays intact',
    { timeout: SECONDS * 1000 + 120_000 },
    async () => {
      // One session per persona, signed in once; the cookie works on every process (sessions live in the database).
      const cookies: string[] = [];
      for (const [i, p] of personas.entries()) cookies.push(await signInCookie(servers[i]!.base, p.email));
      const startedAt = Date.now();
      const deadline = startedAt + SECONDS * 1000;
      const today = isoDay(new Date());

      async function worker(s: number, w: number) {
        const persona = personas[s]!;
        const client = new Client(servers[s]!.base, cookies[s]!);
        const tasks = persona.tasks.filter((_, i) => i % WORKERS_PER_SERVER === w);
        const certs = persona.certificationIds.filter((_, i) => i % WORKERS_PER_SERVER === w);
        const tag = `conc-s${s}w${w}`;
        let n = 0;
        // A chain of certification records: an add, then renewals one day later each.
        let chain: { note: string; certificationId: string; earnedOn: string; length: number } | null = null;
        let day = addDays(today, -360);

        const check = async (what: string, res: Response, expected: number) => {
          const body = await res.text();
          if (res.status >= 500 || LOCK_ERRORS.test(body) || res.status !== expected) {
            failures.push(`${what} on server ${s}: ${res.status} ${body.slice(0, 300)}`);
            return null;
          }
          perServer[s]!.writes++;
          return body;
        };

        while (Date.now() < deadline) {
          const k = n++;
          const note = `${tag}-${k}`;
          const op = k % 4;
          if (op === 0 || op === 2) {
            // A rating: the JSON endpoint, or (every other time, for managers) the person page's form.
            const subject = persona.rates[k % persona.rates.length]!;
            const skillId = skillIds[(k * 7 + s) % skillIds.length]!;
            const level = k % 5;
            const viaForm = op === 2 && subject !== persona.id;
            if (viaForm) {
              const res = await client.postForm(`/app/skills/people/${subject}/`, { intent: 'rate', skillId, level: String(level), note });
              if ((await check('rating form', res, 303)) !== null)
                acked.ratings.set(note, { subject, rater: persona.id, skillId, level, id: null });
            } else {
              const res = await client.postJson('/app/skills/rating', { personId: subject, skillId, level, note });
              const body = await check('rating JSON', res, 200);
              if (body !== null)
                acked.ratings.set(note, {
                  subject,
                  rater: persona.id,
                  skillId,
                  level,
                  id: (JSON.parse(body) as { ratingId: number }).ratingId,
                });
            }
          } else if (op === 1) {
            // A task check-off: flip this worker's next task.
            const taskId = tasks[k % tasks.length]!;
            const state = acked.tasks.get(taskId);
            const res = await client.postJson(`/app/ramp/tasks/${taskId}/done`, { done: !(state?.done ?? false), note });
            const body = await check('task check-off', res, 200);
            if (body !== null) {
              const answer = JSON.parse(body) as { changed: boolean; task: { done: boolean } };
              // A first "done" for a task the demo already checked off changes nothing (changed: false).
              acked.tasks.set(taskId, { done: answer.task.done, changes: (state?.changes ?? 0) + (answer.changed ? 1 : 0) });
            }
          } else {
            // A certification: add a record, or renew the chain's newest one (a new record linked to it).
            day = addDays(day, 1);
            if (day > today) day = today;
            if (chain && chain.length < 4 && day > chain.earnedOn) {
              const recordId = await recordIdOf(chain.note);
              const res = await client.postForm('/app/certifications/me/', {
                intent: 'renew',
                recordId: String(recordId),
                earnedOn: day,
                note,
              });
              if ((await check('certification renew', res, 303)) !== null) {
                acked.certifications.set(note, {
                  userId: persona.id,
                  certificationId: chain.certificationId,
                  earnedOn: day,
                  renews: chain.note,
                });
                chain = { note, certificationId: chain.certificationId, earnedOn: day, length: chain.length + 1 };
              } else chain = null;
            } else {
              const certificationId = certs[k % certs.length]!;
              // A later date than any earlier record of this certification, so the new record is the current one.
              const res = await client.postForm('/app/certifications/me/', {
                intent: 'add',
                certificationId,
                status: 'earned',
                earnedOn: day,
                note,
              });
              if ((await check('certification add', res, 303)) !== null) {
                acked.certifications.set(note, { userId: persona.id, certificationId, earnedOn: day, renews: null });
                chain = { note, certificationId, earnedOn: day, length: 1 };
              } else chain = null;
            }
          }
        }
      }

      // The id of an acknowledged record, read from the file as another process would (read-your-writes).
      const reader = open(databaseUrl);
      async function recordIdOf(note: string): Promise<number> {
        const [row] = await reader.db.all<{ id: number }>(sql`select id from certification_records where note = ${note}`);
        if (!row) throw new Error(`acknowledged certification record "${note}" is not in the database`);
        return Number(row.id);
      }
      try {
        await Promise.all(servers.flatMap((_, s) => Array.from({ length: WORKERS_PER_SERVER }, (_, w) => worker(s, w))));
      } finally {
        reader.close();
      }

      const exits = await Promise.all(servers.map((s) => s.stop()));
      expect(failures.length, failures.slice(0, 20).join('\n')).toBe(0);
      for (const [i, s] of servers.entries()) {
        expect(s.stderr(), `server ${i} stderr`).not.toMatch(LOCK_ERRORS);
        expect(s.stderr(), `server ${i} stderr`).not.toMatch(/error/i);
        expect(exits[i], `server ${i} exit`).toEqual({ code: 0, signal: null });
        // Every process really wrote, all through the run.
        expect(perServer[i]!.writes, `server ${i} writes`).toBeGreaterThan(SECONDS);
      }
      console.log(`concurrency: ${SECONDS} s, writes acknowledged per server: ${perServer.map((p) => p.writes).join(', ')}`);

      expect(await integrity(databaseUrl)).toBe('ok');
      await withDatabase(databaseUrl, async (database) => {
        // Ratings: exactly the acknowledged ones, with what was sent, each with its audit row.
        const ratings = await database.db.all<{ id: number; note: string; subject: number; rater: number; skill: string; level: number }>(
          sql`select id, note, subject_user_id as subject, rater_user_id as rater, skill_id as skill, level from skill_ratings where note like 'conc-%'`,
        );
        expect(ratings.length).toBe(acked.ratings.size);
        for (const r of ratings) {
          const want = acked.ratings.get(r.note);
          expect(want, r.note).toBeDefined();
          expect({ subject: Number(r.subject), rater: Number(r.rater), skillId: r.skill, level: Number(r.level) }).toEqual({
            subject: want!.subject,
            rater: want!.rater,
            skillId: want!.skillId,
            level: want!.level,
          });
          if (want!.id !== null) expect(Number(r.id)).toBe(want!.id);
        }
        expect(
          await count(
            database,
            sql`select count(*) as n from audit_log where action = 'skill.rated' and json_extract(after, '$.note') like 'conc-%'`,
          ),
        ).toBe(acked.ratings.size);

        // Certification records: exactly the acknowledged ones; each renewal links to the record it renewed.
        const records = await database.db.all<{
          id: number;
          note: string;
          user: number;
          cert: string;
          earned: string;
          renews: string | null;
        }>(sql`
        select r.id, r.note, r.user_id as user, r.certification_id as cert, r.earned_on as earned, p.note as renews
        from certification_records r left join certification_records p on p.id = r.renews_record_id where r.note like 'conc-%'`);
        expect(records.length).toBe(acked.certifications.size);
        for (const r of records) {
          expect({ userId: Number(r.user), certificationId: r.cert, earnedOn: r.earned, renews: r.renews }, r.note).toEqual(
            acked.certifications.get(r.note),
          );
        }
        expect([...acked.certifications.values()].some((c) => c.renews !== null)).toBe(true);

        // Task check-offs: each task ends as its last acknowledged toggle left it, with one history row per change.
        expect(acked.tasks.size).toBeGreaterThan(0);
        for (const [taskId, want] of acked.tasks) {
          const [task] = await database.db.all<{ done: number }>(
            sql`select done_at is not null as done from ramp_tasks where id = ${taskId}`,
          );
          expect(Boolean(Number(task!.done)), `task ${taskId}`).toBe(want.done);
          const changes = await count(
            database,
            sql`select count(*) as n from ramp_plan_history where task_id = ${taskId} and action in ('task.done', 'task.undone') and at >= ${startedAt}`,
          );
          expect(changes, `history of task ${taskId}`).toBe(want.changes);
        }
      });
    },
  );
});
