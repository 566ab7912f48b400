// Progressive enhancement for the check-off forms (no React: this page's whole
// budget is a few hundred bytes). Without JavaScript each form posts and the
// server redirects back (PRG). With it, the same form is posted with fetch, the
// server's answer (the re-rendered page, after the redirect) replaces the
// regions marked data-ramp-live, focus returns to the same task's button and a
// live region announces the change. Anything unexpected falls back to a normal
// submission, so the server stays the one source of truth.

const LIVE = '[data-ramp-live]';

function announce(message: string) {
  const region = document.getElementById('ramp-announce');
  if (!region) return;
  // Clear first so repeating the same message is announced again.
  region.textContent = '';
  window.setTimeout(() => (region.textContent = message), 50);
}

function swapRegions(next: Document): boolean {
  const current = [...document.querySelectorAll<HTMLElement>(LIVE)];
  const replacements = current.map((el) => next.querySelector<HTMLElement>(`[data-ramp-live="${el.dataset.rampLive}"]`));
  if (current.length === 0 || replacements.some((r) => !r)) return false;
  current.forEach((el, i) => el.replaceWith(document.importNode(replacements[i]!, true)));
  return true;
}

async function submit(form: HTMLFormElement, submitter: HTMLElement | null) {
  const taskId = (form.elements.namedItem('taskId') as HTMLInputElement | null)?.value;
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach((b) => (b.disabled = true));
  form.setAttribute('aria-busy', 'true');
  try {
    const body = new URLSearchParams();
    for (const [key, value] of new FormData(form, submitter)) if (typeof value === 'string') body.append(key, value);
    const response = await fetch(form.action || window.location.href, {
      method: 'POST',
      body,
      credentials: 'same-origin',
      headers: { Accept: 'text/html' },
    });
    const next = new DOMParser().parseFromString(await response.text(), 'text/html');
    if (!swapRegions(next)) {
      // Signed out, refused, or a page without the regions: show it as a normal navigation would.
      window.location.assign(response.url || window.location.href);
      return;
    }
    const task = taskId ? document.getElementById(`task-${taskId}`) : null;
    const target = task?.querySelector<HTMLElement>('[role="alert"]')
      ? task.querySelector<HTMLElement>('textarea, input:not([type="hidden"])')
      : null;
    (target ?? task?.querySelector<HTMLElement>('form[data-ramp-toggle] button[type="submit"]') ?? task)?.focus();
    const notice = next.querySelector('[data-ramp-live="notice"] [role="status"]')?.textContent?.trim();
    const error = task?.querySelector('[role="alert"]')?.textContent?.trim();
    announce(error || notice || 'Saved.');
  } catch {
    form.removeAttribute('aria-busy');
    buttons.forEach((b) => (b.disabled = false));
    HTMLFormElement.prototype.submit.call(form);
  }
}

export function enhanceChecklist() {
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches('form[data-ramp-toggle]')) return;
    event.preventDefault();
    void submit(form, event.submitter);
  });
}
