// client:interaction="<selector>": hydrates an island at the first sign that
// someone is about to use the controls it serves (pointer over or down, focus,
// a key, a change inside the element the selector names), not at page load.
// The salary explorer's React is most of its page's script; a reader who only
// reads the server's table never pays for it (Lighthouse's blocking time fell
// from about 1 s to the page's own, decision 037). A change made while the
// island loads is flagged on the target (data-island-pending="changed") so the
// island can draw it as soon as it mounts: no change is lost to the race.
import type { ClientDirective } from 'astro';

const STARTERS = ['pointerover', 'pointerdown', 'focusin', 'keydown', 'touchstart'] as const;

const onInteraction: ClientDirective = (load, options, el) => {
  const selector = typeof options.value === 'string' ? options.value : '';
  const target = (selector && document.querySelector<HTMLElement>(selector)) || el;
  let started = false;
  const start = async () => {
    if (started) return;
    started = true;
    for (const type of STARTERS) target.removeEventListener(type, start, true);
    const hydrate = await load();
    await hydrate();
  };
  const flag = () => {
    if (target.dataset.island !== 'ready') target.dataset.islandPending = 'changed';
    void start();
  };
  for (const type of STARTERS) target.addEventListener(type, start, { capture: true, passive: true });
  target.addEventListener('change', flag, true);
  target.addEventListener('input', flag, true);
};

export default onInteraction;
