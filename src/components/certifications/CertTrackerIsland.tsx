// "My certifications" island as the page loads it: client:interaction on the
// page's main content, so React and the tracker are fetched at the first sign
// of use, not at page load (decision 037). Until then the server's summary,
// whose links go to the page's forms, is the page.
import { onDemand } from '#components/islands/on-demand.tsx';
import CertTracker, { type TrackerTakeover } from './CertTracker.tsx';

function readServerSummary(doc: Document): TrackerTakeover {
  const active = doc.activeElement;
  const link = active instanceof HTMLAnchorElement && active.closest('#cert-summary-server') ? active : null;
  if (!link) return { focus: null };
  if (link.hash === '#form-add') return { focus: { to: 'add' } };
  const row = link.closest<HTMLElement>('tr[data-cert]');
  return { focus: row?.dataset.cert ? { to: 'renew', certificationId: row.dataset.cert } : null };
}

export default onDemand(CertTracker, readServerSummary);
