// A person's certifications at a glance, with add and renew in a dialog
// (ADR 037). The island takes over from the server's summary table
// (#cert-summary-server, whose links go to the page's forms) at the first sign
// of use (CertTrackerIsland.tsx). The
// dialog shows the expiry as you type, computed from the certification's
// validity in the catalog by the domain's computeExpiry; saving updates the row
// at once (certificationState on the new record), then the server's answer
// (POST /app/certifications/records, the forms' addRecord / renewRecord)
// confirms it, or the row goes back and the dialog reopens with the server's
// messages. The dialog has the forms' fields (RecordFields.astro), the
// verification link included; the server alone checks them.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  certificationState,
  CERTIFICATION_STATUSES,
  computeExpiry,
  describeDaysLeft,
  describeValidity,
  STATE_INFO,
  STATUS_LABELS,
  VERIFICATION_LINK_HINT,
  type CertificationFacts,
  type CertificationStatus,
  type CertRecord,
  type CertState,
} from '#domain/certifications.ts';
import { formatDay } from '#domain/calendar.ts';

export interface TrackerRow {
  certificationId: string;
  state: CertState;
  expiresOn: string | null;
  daysLeft: number | null;
  required: boolean;
  recommended: boolean;
  /** The current earned record, the one a renewal renews (null: nothing to renew). */
  current: { id: number; earnedOn: string; expiresOn: string | null; credentialId: string } | null;
  renewable: boolean;
  /** The current record's verification link, as the server stored it (null: none). */
  verificationUrl: string | null;
}
interface Props {
  today: string;
  leadDays: number[];
  certifications: CertificationFacts[];
  rows: TrackerRow[];
  /** Where focus was on the server's summary when the island took over (CertTrackerIsland.tsx). */
  takeover?: TrackerTakeover;
}

/** The server summary's focused link: "Add a certification", or a row's Renew (by certification id). */
export type TrackerTakeover = { focus: { to: 'add' } | { to: 'renew'; certificationId: string } | null };

type Mode = { intent: 'add' } | { intent: 'renew'; certificationId: string; recordId: number };
// The fields of the page's forms (RecordFields.astro), so the dialog can record everything they can.
type Values = Record<'certificationId' | 'status' | 'earnedOn' | 'expiresOn' | 'credentialId' | 'verificationUrl' | 'note', string>;
const EMPTY: Values = {
  certificationId: '',
  status: 'earned',
  earnedOn: '',
  expiresOn: '',
  credentialId: '',
  verificationUrl: '',
  note: '',
};
type Answer = {
  record?: {
    id: number;
    earnedOn: string | null;
    expiresOn: string | null;
    status: CertificationStatus;
    credentialId: string | null;
    verificationUrl: string | null;
  };
  state?: { state: CertState; expiresOn: string | null; daysLeft: number | null; currentId: number | null } | null;
  error?: string;
  fieldErrors?: Record<string, string>;
};

function Badge({ state }: { state: CertState }) {
  const info = STATE_INFO[state];
  return (
    <span className={`badge cert-state ${info.tone === 'info' ? '' : info.tone}`.trim()} data-state={state}>
      {info.label}
    </span>
  );
}

export default function CertTracker({ today, leadDays, certifications, rows: initialRows, takeover }: Props) {
  const [rows, setRows] = useState(initialRows);
  const [mode, setMode] = useState<Mode | null>(null);
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState('');
  const [refusal, setRefusal] = useState('');
  const [pending, setPending] = useState<string | null>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const catalog = new Map(certifications.map((c) => [c.id, c]));

  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.getElementById('cert-summary-server')?.remove();
    // Focus goes to the island's button for the link that had it, so a keyboard user carries on.
    const focus = takeover?.focus;
    const root = rootRef.current;
    if (focus?.to === 'add') root?.querySelector<HTMLElement>('[data-add]')?.focus();
    else if (focus?.to === 'renew')
      root?.querySelector<HTMLElement>(`tr[data-cert="${CSS.escape(focus.certificationId)}"] button`)?.focus();
    // Once, at mount.
  }, []);

  const open = (next: Mode, start: Values) => {
    setMode(next);
    setValues(start);
    setErrors({});
    requestAnimationFrame(() => dialogRef.current?.showModal());
  };
  const certId = mode?.intent === 'renew' ? mode.certificationId : values.certificationId;
  const entry = catalog.get(certId);
  const earned = mode?.intent === 'renew' || values.status === 'earned';
  const expiry = entry && earned ? computeExpiry(entry, values.earnedOn || null, values.expiresOn || null) : null;
  const expiryText = !entry
    ? 'Choose a certification to see when it expires.'
    : !earned
      ? 'A plan has no expiry: it is set when you record the certification as earned.'
      : !values.earnedOn && !values.expiresOn
        ? `Validity: ${describeValidity(entry.validity)}. Enter the earned date to see the expiry.`
        : expiry?.expiresOn
          ? `Expires on ${formatDay(expiry.expiresOn)}. ${expiry.explanation}`
          : (expiry?.explanation ?? '');

  const set = (name: keyof Values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value }));

  /** The row as it will be: the domain's state of the current record (if any) plus the new one. */
  function optimistic(before: TrackerRow | undefined, facts: CertificationFacts, v: Values, isRenewal: boolean): TrackerRow {
    const status = (isRenewal ? 'earned' : v.status) as CertificationStatus;
    const fresh: CertRecord = {
      id: Number.MAX_SAFE_INTEGER,
      certificationId: facts.id,
      status,
      earnedOn: status === 'earned' ? v.earnedOn || null : null,
      expiresOn: status === 'earned' ? computeExpiry(facts, v.earnedOn || null, v.expiresOn || null).expiresOn : null,
      renewsRecordId: null,
    };
    const records: CertRecord[] = before?.current
      ? [
          {
            id: before.current.id,
            certificationId: facts.id,
            status: 'earned',
            earnedOn: before.current.earnedOn,
            expiresOn: before.current.expiresOn,
            renewsRecordId: null,
          },
          fresh,
        ]
      : [fresh];
    const s = certificationState(
      { records, required: before?.required ?? false, recommended: before?.recommended ?? false, today, leadDays },
      facts.validity,
    );
    return {
      certificationId: facts.id,
      state: s.state,
      expiresOn: s.expiresOn,
      daysLeft: s.daysLeft,
      required: before?.required ?? false,
      recommended: before?.recommended ?? false,
      current: before?.current ?? null,
      renewable: before?.renewable ?? false,
      // The row shows the current record's link: the new one's if it becomes current. Not a live
      // link until the server has checked and stored it (see the Verification cell).
      verificationUrl: s.current?.id === fresh.id ? v.verificationUrl || null : (before?.verificationUrl ?? null),
    };
  }

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!mode) return;
    const facts = catalog.get(certId);
    if (!facts) {
      setErrors({ certificationId: 'Choose a certification from the list.' });
      return;
    }
    const submitted = { ...values };
    const before = rows.find((r) => r.certificationId === facts.id);
    const saving = mode;
    setRows((all) => {
      const next = optimistic(before, facts, submitted, saving.intent === 'renew');
      return before ? all.map((r) => (r === before ? next : r)) : [...all, next];
    });
    setPending(facts.id);
    setRefusal('');
    setStatus(`Saving ${facts.shortName}.`);
    dialogRef.current?.close();
    const undo = (reason: string, fieldErrors: Record<string, string> = {}) => {
      setRows((all) =>
        before ? all.map((r) => (r.certificationId === facts.id ? before : r)) : all.filter((r) => r.certificationId !== facts.id),
      );
      setPending(null);
      setStatus('');
      setRefusal(`Not saved: ${facts.shortName}. ${reason} The row shows what was there before.`);
      if (Object.keys(fieldErrors).length) {
        // Back into the dialog with what was typed and the server's messages next to the fields.
        setMode(saving);
        setValues(submitted);
        setErrors(fieldErrors);
        requestAnimationFrame(() => dialogRef.current?.showModal());
      }
    };
    const payload =
      saving.intent === 'add'
        ? { intent: 'add', ...submitted }
        : {
            intent: 'renew',
            recordId: saving.recordId,
            earnedOn: submitted.earnedOn,
            expiresOn: submitted.expiresOn,
            credentialId: submitted.credentialId,
            verificationUrl: submitted.verificationUrl,
            note: submitted.note,
          };
    try {
      const response = await fetch('/app/certifications/records', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(payload),
      });
      const answer = (await response.json().catch(() => ({}))) as Answer;
      if (response.status === 401) return undo('Your session has ended: sign in again in another tab, then save again.');
      if (!response.ok || !answer.record) {
        const fields = answer.fieldErrors ?? {};
        return undo(
          Object.values(fields).length ? Object.values(fields).join(' ') : (answer.error ?? 'The server refused the change.'),
          fields,
        );
      }
      const record = answer.record;
      const live = answer.state;
      setRows((all) =>
        all.map((r) =>
          r.certificationId !== facts.id
            ? r
            : {
                ...r,
                state: live?.state ?? r.state,
                expiresOn: live?.expiresOn ?? null,
                daysLeft: live?.daysLeft ?? null,
                current:
                  live?.currentId === record.id && record.earnedOn
                    ? { id: record.id, earnedOn: record.earnedOn, expiresOn: record.expiresOn, credentialId: record.credentialId ?? '' }
                    : r.current,
                renewable: live?.currentId === record.id ? facts.validity.kind !== 'lifetime' : r.renewable,
                verificationUrl: live?.currentId === record.id ? record.verificationUrl : (before?.verificationUrl ?? null),
              },
        ),
      );
      setPending(null);
      setStatus(
        `Saved: ${facts.shortName}${record.expiresOn ? `, expires ${formatDay(record.expiresOn)}` : ''}. The history below shows it after a reload.`,
      );
    } catch {
      undo('The connection failed: check it and save again.');
    }
  }

  const field = (name: keyof Values, label: string, input: React.ReactNode, hint?: string) => (
    <div className="field record-field">
      <label htmlFor={`dlg-${name}`}>{label}</label>
      {hint && (
        <p className="muted hint" id={`dlg-${name}-hint`}>
          {hint}
        </p>
      )}
      {input}
      {errors[name] && (
        <p className="field-error" id={`dlg-${name}-error`}>
          {errors[name]}
        </p>
      )}
    </div>
  );
  const aria = (name: keyof Values, hint = false) => ({
    id: `dlg-${name}`,
    name,
    value: values[name],
    onChange: set(name),
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': [hint ? `dlg-${name}-hint` : '', errors[name] ? `dlg-${name}-error` : ''].filter(Boolean).join(' ') || undefined,
  });

  return (
    <div className="cert-tracker" ref={rootRef}>
      <p>
        <button type="button" data-add="" onClick={() => open({ intent: 'add' }, EMPTY)}>
          Add a certification
        </button>
      </p>
      {rows.length > 0 && (
        <div className="table-wrap" role="region" aria-label="Certifications at a glance" tabIndex={0}>
          <table className="summary" data-island="">
            <caption>At a glance</caption>
            <thead>
              <tr>
                <th scope="col">Certification</th>
                <th scope="col">State</th>
                <th scope="col">Expires</th>
                <th scope="col">Verification</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const c = catalog.get(r.certificationId);
                return (
                  <tr key={r.certificationId} data-cert={r.certificationId} aria-busy={pending === r.certificationId ? true : undefined}>
                    <th scope="row">{c?.name ?? r.certificationId}</th>
                    <td>
                      <Badge state={r.state} />
                      {pending === r.certificationId && <span className="muted"> Saving…</span>}
                    </td>
                    <td>{r.expiresOn && r.daysLeft !== null ? `${formatDay(r.expiresOn)} (${describeDaysLeft(r.daysLeft)})` : '–'}</td>
                    <td className="verification">
                      {!r.verificationUrl ? (
                        <span className="muted">–</span>
                      ) : pending === r.certificationId ? (
                        // What was typed is not a link the server has accepted yet: shown, not followed.
                        <span className="muted" data-pending="">
                          Verify (saving…)
                        </span>
                      ) : (
                        <a href={r.verificationUrl} rel="noopener noreferrer nofollow" target="_blank">
                          Verify<span className="visually-hidden"> {c?.shortName ?? r.certificationId} (opens a new tab)</span>
                        </a>
                      )}
                    </td>
                    <td>
                      {r.current && r.renewable ? (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() =>
                            open(
                              { intent: 'renew', certificationId: r.certificationId, recordId: r.current!.id },
                              { ...EMPTY, credentialId: r.current!.credentialId },
                            )
                          }
                        >
                          Renew<span className="visually-hidden"> {c?.shortName}</span>
                        </button>
                      ) : (
                        <span className="muted">–</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p role="status" className="muted" id="tracker-status">
        {status}
      </p>
      {refusal && (
        <div className="form-error" role="alert">
          <p>{refusal}</p>
        </div>
      )}
      <dialog className="record-dialog" aria-labelledby="record-dialog-title" ref={dialogRef} onClose={() => setMode(null)}>
        {mode && (
          <form method="dialog" noValidate onSubmit={(e) => void save(e)}>
            <h2 id="record-dialog-title">{mode.intent === 'add' ? 'Add a certification' : `Renew ${entry?.name ?? ''}`}</h2>
            {errors.form && (
              <div className="form-error" role="alert">
                <p>{errors.form}</p>
              </div>
            )}
            {mode.intent === 'add' &&
              field(
                'certificationId',
                'Certification',
                <select {...aria('certificationId')}>
                  <option value="">Choose…</option>
                  {certifications.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>,
              )}
            {mode.intent === 'add' &&
              field(
                'status',
                'Status',
                <select {...aria('status')}>
                  {CERTIFICATION_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>,
              )}
            {earned && field('earnedOn', 'Earned on', <input type="date" {...aria('earnedOn')} max={today} />)}
            {earned &&
              field(
                'expiresOn',
                'Expires on (optional)',
                <input type="date" {...aria('expiresOn', true)} />,
                'Leave empty to compute it from the validity. Enter it if your certificate says otherwise.',
              )}
            <p className="expiry-live" id="dlg-expiry" aria-live="polite">
              {expiryText}
            </p>
            {field(
              'credentialId',
              'Credential id (optional)',
              <input type="text" maxLength={100} autoComplete="off" {...aria('credentialId')} />,
            )}
            {field(
              'verificationUrl',
              'Verification link (optional)',
              <input type="url" inputMode="url" maxLength={500} autoComplete="off" {...aria('verificationUrl', true)} />,
              VERIFICATION_LINK_HINT,
            )}
            {field('note', 'Note (optional)', <textarea rows={2} maxLength={1000} {...aria('note')} />)}
            <div className="dialog-actions">
              <button type="submit">{mode.intent === 'add' ? 'Add certification' : 'Record renewal'}</button>
              <button type="button" className="secondary" onClick={() => dialogRef.current?.close()}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </dialog>
    </div>
  );
}
