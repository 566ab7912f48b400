// One checklist task's head and its check-off form (Checklist.astro places it
// in the task's <li>, with the manager's controls after it). The form posts to
// the page without JavaScript; as an island it checks the task off or undoes
// it through /app/ramp/tasks/<id>/done, shows the change at once (here, in the
// plan's status and in the due lists, through ramp-live.ts) and puts it back
// with the server's reason if the server refuses.
import { useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { RAG_DUE_SOON_DAYS, dueDate, relativeDue } from '#domain/ramp.ts';
import { daysBetween, formatInstant } from '#domain/calendar.ts';
import { CHECKLIST_NOTICES } from './forms.ts';
import { changeTask } from './ramp-live.ts';
import { taskMeta } from './display.ts';
import { OWNER_LABELS, RAMP_OWNER_IDS, isValidDueDay, phaseForDay, type RampOwner } from '#domain/ramp.ts';

type DoneInfo = { at: string; by: string | null; note: string | null; evidenceUrl: string | null };
type FieldErrors = Partial<Record<'note' | 'evidenceUrl', string>>;

interface Props {
  id: number;
  planId: number;
  title: string;
  owner: RampOwner;
  dueDay: number;
  /** The buddy's name on a buddy task with one named. */
  buddyName: string | null;
  /** "Skill: …", "KPI: …", after the owner in the line under the title. */
  extras: string[];
  detail: string | null;
  startDate: string;
  today: string;
  planActive: boolean;
  /** A manager who may edit the plan: the quick edit of title, owner and due day. */
  editable: boolean;
  /** The task's other fields as the edit form sends them, sent unchanged with a quick edit. */
  rest: { detail: string; buddyUserId: string; skillId: string; kpiId: string };
  done: boolean;
  doneInfo: DoneInfo | null;
  toggleable: boolean;
  viewerName: string;
  /** A refused check-off of this task from a form post (JavaScript off). */
  refused: { message: string; errors: FieldErrors; note: string; evidenceUrl: string } | null;
}

type Answer = {
  task?: { done: boolean; doneAt: string | null; note: string | null; evidenceUrl: string | null };
  error?: string;
  fieldErrors?: FieldErrors;
};

function announce(message: string) {
  const region = document.getElementById('ramp-announce');
  if (!region) return;
  // Cleared first so the same message twice is announced twice.
  region.textContent = '';
  window.setTimeout(() => (region.textContent = message), 50);
}

export default function RampTask(props: Props) {
  const { id, planId, buddyName, extras, detail, startDate, today, planActive, toggleable, viewerName, editable } = props;
  const [shown, setShown] = useState({ title: props.title, owner: props.owner, dueDay: props.dueDay });
  const { title } = shown;
  const meta = taskMeta({ ...shown, buddyName, extras }, startDate);
  const daysFromToday = daysBetween(today, dueDate(startDate, shown.dueDay));
  const [editing, setEditing] = useState<{
    values: { title: string; owner: RampOwner; dueDay: number | string };
    errors: Record<string, string>;
    message: string;
  } | null>(null);
  const [done, setDoneHere] = useState(props.done);
  const [info, setInfo] = useState(props.doneInfo);
  const [refusal, setRefusal] = useState<{ message: string; errors: FieldErrors } | null>(props.refused);
  const [busy, setBusy] = useState(false);
  // What was typed, back in the fields when a refused check-off is undone.
  const [draft, setDraft] = useState({ note: props.refused?.note ?? '', evidenceUrl: props.refused?.evidenceUrl ?? '' });
  const root = useRef<HTMLDivElement>(null);
  /** What takes the focus after the next render: the task's form, the quick edit, or its button. */
  const focusAfter = useRef<'toggle' | 'edit' | 'quick' | null>(null);

  // The <li> around the island carries the state the page styles and tests read.
  useLayoutEffect(() => {
    const li = root.current?.closest('li');
    if (li) {
      li.dataset.done = done ? 'true' : 'false';
      li.classList.toggle('is-done', done);
    }
    const want = focusAfter.current;
    focusAfter.current = null;
    const find = (selector: string) => root.current?.querySelector<HTMLElement>(selector);
    if (want === 'edit') find('.ramp-quick-edit input')?.focus();
    else if (want === 'quick') find('[data-quick-edit]')?.focus();
    else if (want === 'toggle')
      (refusal ? find('form textarea, form input:not([type="hidden"])') : find('form button[type="submit"]'))?.focus();
  }, [done, refusal, editing]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const form = new FormData(event.currentTarget);
    const next = !done;
    const before = { done, info };
    const typed = { note: String(form.get('note') ?? ''), evidenceUrl: String(form.get('evidenceUrl') ?? '') };
    // Optimistic: the task, the status and the due lists move now.
    setBusy(true);
    setRefusal(null);
    setDoneHere(next);
    changeTask(id, { done: next });
    setInfo(next ? { at: 'just now', by: viewerName, note: typed.note || null, evidenceUrl: null } : null);
    focusAfter.current = 'toggle';
    const undo = (message: string, errors: FieldErrors = {}) => {
      if (next) setDraft(typed);
      setDoneHere(before.done);
      changeTask(id, { done: before.done });
      setInfo(before.info);
      setRefusal({ message, errors });
      focusAfter.current = 'toggle';
      announce(message);
    };
    try {
      const response = await fetch(`/app/ramp/tasks/${id}/done`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(next ? { done: true, ...typed } : { done: false }),
      });
      const answer = (await response.json().catch(() => ({}))) as Answer;
      if (!response.ok || !answer.task) {
        const errors = answer.fieldErrors ?? {};
        const words = Object.values(errors).join(' ');
        return undo(`Not saved: ${answer.error ?? 'the server refused the change.'}${words ? ` ${words}` : ''}`, errors);
      }
      const t = answer.task;
      setDoneHere(t.done);
      changeTask(id, { done: t.done });
      setInfo(
        t.done && t.doneAt ? { at: formatInstant(new Date(t.doneAt)), by: viewerName, note: t.note, evidenceUrl: t.evidenceUrl } : null,
      );
      announce(t.done ? CHECKLIST_NOTICES.checked : CHECKLIST_NOTICES.unchecked);
    } catch {
      undo('Not saved: the connection failed. Check it and try again.');
    } finally {
      setBusy(false);
    }
  }

  async function saveEdit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = {
      title: String(form.get('title') ?? ''),
      owner: String(form.get('owner') ?? '') as RampOwner,
      dueDay: Number(form.get('dueDay') ?? ''),
    };
    const raw = { title: values.title, owner: values.owner, dueDay: String(form.get('dueDay') ?? '') };
    const before = shown;
    // Optimistic: the task shows its new title, owner and day now; a refusal reopens the form with the reasons.
    setEditing(null);
    if (values.title.trim() !== '' && RAMP_OWNER_IDS.includes(values.owner) && isValidDueDay(values.dueDay)) {
      setShown(values);
      changeTask(id, values);
    }
    focusAfter.current = 'quick';
    const undo = (message: string, errors: Record<string, string> = {}) => {
      setShown(before);
      changeTask(id, before);
      setEditing({ values: { ...values, dueDay: raw.dueDay }, errors, message });
      focusAfter.current = 'edit';
      announce(message);
    };
    try {
      const response = await fetch(`/app/ramp/tasks/${id}/update`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ planId, ...props.rest, ...raw }),
      });
      const answer = (await response.json().catch(() => ({}))) as {
        task?: { title: string; owner: RampOwner; dueDay: number };
        error?: string;
        fieldErrors?: Record<string, string>;
      };
      if (!response.ok || !answer.task) return undo(`Not saved: ${answer.error ?? 'the server refused the change.'}`, answer.fieldErrors);
      const saved = { title: answer.task.title, owner: answer.task.owner, dueDay: answer.task.dueDay };
      if (phaseForDay(saved.dueDay) !== phaseForDay(before.dueDay)) {
        // Another phase: its place in the list is the server's to give, as after the edit form.
        window.location.assign(`${window.location.pathname}?done=updated#task-${id}`);
        return;
      }
      setShown(saved);
      changeTask(id, saved);
      announce('Task saved.');
    } catch {
      undo('Not saved: the connection failed. Check it and try again.');
    }
  }

  const badge =
    !done && planActive && daysFromToday < 0 ? (
      <span className="badge danger">{relativeDue(daysFromToday)}</span>
    ) : !done && planActive && daysFromToday <= RAG_DUE_SOON_DAYS ? (
      <span className="badge warn">{relativeDue(daysFromToday)}</span>
    ) : null;
  const field = (name: 'note' | 'evidenceUrl') => refusal?.errors[name];

  return (
    <div className="ramp-task-live" ref={root}>
      <div className="ramp-task-head">
        <span className="ramp-mark" aria-hidden="true">
          {done ? '✓' : ''}
        </span>
        <div>
          <h3>
            {title} <span className="visually-hidden">{done ? '(done)' : '(open)'}</span>
          </h3>
          <p className="ramp-meta">
            {meta}
            {badge && <> {badge}</>}
          </p>
          {detail && <p className="ramp-detail">{detail}</p>}
          {done && info && (
            <p className="ramp-done-info">
              Done {info.at}
              {info.by && <> by {info.by}</>}.{info.note && <> Note: {info.note}</>}
              {info.evidenceUrl && (
                <>
                  {' '}
                  Evidence:{' '}
                  <a href={info.evidenceUrl} rel="noopener noreferrer nofollow">
                    {info.evidenceUrl}
                  </a>
                </>
              )}
            </p>
          )}
        </div>
      </div>
      {toggleable && (
        <form method="post" noValidate className={done ? undefined : 'ramp-check'} onSubmit={submit} aria-busy={busy || undefined}>
          <input type="hidden" name="intent" value={done ? 'undone' : 'done'} />
          <input type="hidden" name="taskId" value={String(id)} />
          {refusal && (
            <p className="field-error" role="alert">
              {refusal.message}
            </p>
          )}
          {!done && (
            <details open={refusal !== null}>
              <summary>
                Add a note or evidence link<span className="visually-hidden"> to {title}</span> (optional)
              </summary>
              <div className="field">
                <label htmlFor={`note-${id}`}>Note</label>
                {field('note') && (
                  <p className="field-error" id={`note-${id}-error`}>
                    {field('note')}
                  </p>
                )}
                <textarea
                  id={`note-${id}`}
                  name="note"
                  rows={2}
                  maxLength={500}
                  defaultValue={draft.note}
                  aria-invalid={field('note') ? true : undefined}
                  aria-describedby={field('note') ? `note-${id}-error` : undefined}
                />
              </div>
              <div className="field">
                <label htmlFor={`evidence-${id}`}>Evidence link</label>
                {field('evidenceUrl') && (
                  <p className="field-error" id={`evidence-${id}-error`}>
                    {field('evidenceUrl')}
                  </p>
                )}
                <input
                  id={`evidence-${id}`}
                  name="evidenceUrl"
                  type="url"
                  inputMode="url"
                  maxLength={500}
                  placeholder="https://"
                  defaultValue={draft.evidenceUrl}
                  aria-invalid={field('evidenceUrl') ? true : undefined}
                  aria-describedby={field('evidenceUrl') ? `evidence-${id}-error` : undefined}
                />
              </div>
            </details>
          )}
          <div className="ramp-actions">
            <button type="submit" className={done ? 'secondary' : undefined}>
              {done ? 'Mark not done' : 'Mark done'}
              <span className="visually-hidden">: {title}</span>
            </button>
          </div>
        </form>
      )}
      {editable && !editing && (
        <p className="ramp-quick">
          <button
            type="button"
            className="secondary"
            data-quick-edit=""
            onClick={() => {
              focusAfter.current = 'edit';
              setEditing({ values: shown, errors: {}, message: '' });
            }}
          >
            Quick edit<span className="visually-hidden">: {title}</span>
          </button>
        </p>
      )}
      {editing && (
        <form
          className="ramp-form ramp-quick-edit"
          noValidate
          aria-label={`Quick edit ${title}`}
          onSubmit={saveEdit}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            focusAfter.current = 'quick';
            setEditing(null);
          }}
        >
          {editing.message && (
            <p className="form-error" role="alert">
              {editing.message}
            </p>
          )}
          {(
            [
              ['title', 'Task', 'text'],
              ['dueDay', 'Due on day', 'number'],
            ] as const
          ).map(([name, label, type]) => (
            <div className="field" key={name}>
              <label htmlFor={`quick-${name}-${id}`}>{label}</label>
              <input
                id={`quick-${name}-${id}`}
                name={name}
                type={type}
                {...(type === 'number' ? { min: 1, max: 90, inputMode: 'numeric' as const } : { maxLength: 200 })}
                defaultValue={String(editing.values[name])}
                aria-invalid={editing.errors[name] ? true : undefined}
                aria-describedby={editing.errors[name] ? `quick-${name}-${id}-error` : undefined}
              />
              {editing.errors[name] && (
                <p className="field-error" id={`quick-${name}-${id}-error`}>
                  {editing.errors[name]}
                </p>
              )}
            </div>
          ))}
          <div className="field">
            <label htmlFor={`quick-owner-${id}`}>Owner</label>
            <select
              id={`quick-owner-${id}`}
              name="owner"
              defaultValue={editing.values.owner}
              aria-invalid={editing.errors.owner ? true : undefined}
              aria-describedby={editing.errors.owner ? `quick-owner-${id}-error` : undefined}
            >
              {RAMP_OWNER_IDS.map((o) => (
                <option key={o} value={o}>
                  {OWNER_LABELS[o]}
                </option>
              ))}
            </select>
            {editing.errors.owner && (
              <p className="field-error" id={`quick-owner-${id}-error`}>
                {editing.errors.owner}
              </p>
            )}
          </div>
          <div className="ramp-actions">
            <button type="submit">Save</button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                focusAfter.current = 'quick';
                setEditing(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
