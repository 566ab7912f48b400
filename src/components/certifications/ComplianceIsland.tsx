// The compliance matrix island as the page loads it: client:interaction on
// the page's main content (the expiry timeline, further down, drives it too),
// so React, the filters and the table are fetched and drawn at the first sign
// of use, not at page load (decision 037). Until
// then the server's filter form and table are the page; ComplianceMatrix
// starts from what the reader had chosen or typed there.
import { focusedIn, onDemand } from '#components/islands/on-demand.tsx';
import ComplianceMatrix, { type ComplianceTakeover } from './ComplianceMatrix.tsx';

const FIELDS = { team: 'f-team', state: 'f-state', cert: 'f-cert', q: 'f-q' } as const;

function readServerForm(doc: Document): ComplianceTakeover {
  const value = (id: string) => (doc.getElementById(id) as HTMLInputElement | HTMLSelectElement | null)?.value ?? null;
  const focused = focusedIn(doc, '#compliance-server');
  const focus = (Object.keys(FIELDS) as (keyof typeof FIELDS)[]).find((k) => FIELDS[k] === focused) ?? null;
  return { teamId: value(FIELDS.team), state: value(FIELDS.state), certificationId: value(FIELDS.cert), q: value(FIELDS.q), focus };
}

export default onDemand(ComplianceMatrix, readServerForm);
