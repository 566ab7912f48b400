// The outcome: targets met for this tier and the next, what to learn first,
// and the link that reproduces the whole self-check.
import { useRef, useState } from 'react';
import type { SelfCheckView, TierGaps } from '#domain/skills.ts';
import { levelName, levels, type SkillInfo } from './RatingRow.tsx';

function Tally({ label, title, t }: { label: string; title: string; t: TierGaps }) {
  return (
    <p>
      <strong>
        {label}, {title}:
      </strong>{' '}
      meets {t.met} of {t.total} targets
      {t.below > 0 && `, ${t.below} below`}
      {t.unrated > 0 && `, ${t.unrated} not rated yet`}.
    </p>
  );
}

function CopyLink({ href }: { href: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState('');
  const url = new URL(href, location.href).href;
  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setMessage('Link copied.');
    } catch {
      // Clipboard access can be refused (permissions, older browsers); the
      // selected text field is the fallback.
      input.current?.select();
      setMessage('Could not copy automatically: the link is selected, copy it with Ctrl+C (⌘C on a Mac).');
    }
  }
  return (
    <div className="sc-share">
      <label htmlFor="sc-link">Link to this self-check</label>
      <p id="sc-link-hint" className="muted">
        Your ratings live only in this link: keep it to come back to them.
      </p>
      <div className="sc-share-row">
        <input id="sc-link" ref={input} type="url" readOnly value={url} aria-describedby="sc-link-hint" />
        <button type="button" className="secondary" onClick={copy}>
          Copy link
        </button>
      </div>
      <p role="status" className="sc-copied">
        {message}
      </p>
    </div>
  );
}

interface Props {
  view: SelfCheckView;
  skills: Record<string, SkillInfo>;
  /** Path and query of this state; only rendered in the browser, after the address was read. */
  href: string;
}

export function Results({ view, skills, href }: Props) {
  const unrated = view.skills.filter((s) => s.rating === null).length;
  const name = (id: string) => skills[id]?.name ?? id;
  return (
    <section aria-labelledby="sc-results" className="card sc-results">
      <h2 id="sc-results">Your result</h2>
      <div role="status">
        <Tally label="This tier" title={view.tier.title} t={view.current} />
        {view.next && view.nextGaps ? (
          <Tally label="Next tier" title={view.next.title} t={view.nextGaps} />
        ) : (
          <p>{view.tier.title} is the top tier of this ladder.</p>
        )}
      </div>

      <h3>What to learn next</h3>
      {view.learnNext.length > 0 ? (
        <ol className="sc-learn">
          {view.learnNext.map((step) => (
            <li key={step.skill}>
              <strong>{name(step.skill)}</strong>: you are at {levelName(step.rating)}
              {step.tierGap > 0 && `; ${levels(step.tierGap)} below this tier's target`}
              {step.nextGap > 0 && `; ${levels(step.nextGap)} below the next tier's`}
            </li>
          ))}
        </ol>
      ) : (
        <p>{unrated === view.skills.length ? 'Rate a few skills to see where to focus.' : 'No gaps in the skills you rated.'}</p>
      )}
      {unrated > 0 && unrated < view.skills.length && (
        <p className="muted">
          {unrated} skill{unrated === 1 ? ' is' : 's are'} not rated yet and left out of this list.
        </p>
      )}

      <CopyLink href={href} />
      <p>
        <a href={`/roles/${view.ladder.slug}/#skills`}>Every tier's targets in the {view.ladder.title} guide</a>
      </p>
    </section>
  );
}
