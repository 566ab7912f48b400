// The candidate self-check island. It keeps the visitor's state, mirrors it in
// the address bar and renders; every rule (gaps, next tier, what to learn
// first, which ratings a link may carry) lives in src/lib/domain/skills.ts.
// Nothing leaves the browser: there is no fetch here on purpose.
import { useEffect, useState } from 'react';
import {
  EMPTY_SELF_CHECK,
  chooseRole,
  chooseTier,
  decodeSelfCheck,
  encodeSelfCheck,
  rate,
  selfCheckView,
  type Ladder,
  type RatedSkill,
  type SelfCheckState,
  type SelfCheckView,
} from '#domain/skills.ts';
import type { Level } from '#domain/scale.ts';
import { formatYears } from '#domain/format.ts';
import { LevelGuide, RatingRow, type SkillInfo } from './RatingRow.tsx';
import { Results } from './Results.tsx';
import { FigureText } from './FigureText.tsx';
import './self-check.css';

interface Props {
  ladders: Ladder[];
  skills: Record<string, SkillInfo>;
}

const hrefFor = (state: SelfCheckState) => {
  const query = encodeSelfCheck(state);
  return location.pathname + (query ? `?${query}` : '');
};

export default function SelfCheck({ ladders, skills }: Props) {
  // null until the address has been read: the server rendered the empty state,
  // and hydration must see the same markup before the link's state is applied.
  const [loaded, setLoaded] = useState<SelfCheckState | null>(null);
  const state = loaded ?? EMPTY_SELF_CHECK;

  useEffect(() => setLoaded(decodeSelfCheck(location.search, ladders)), [ladders]);
  // replaceState, not pushState: rating twenty skills should not leave twenty
  // Back-button steps. Writing the decoded state back also drops anything the
  // decoder ignored, so the address is always the canonical link.
  useEffect(() => {
    if (loaded) history.replaceState(history.state, '', hrefFor(loaded));
  }, [loaded]);

  const update = (next: SelfCheckState) => setLoaded(next);
  const ladder = ladders.find((l) => l.slug === state.role);
  const tier = ladder?.tiers.find((t) => t.id === state.tier);
  const view = selfCheckView(state, ladders);
  // One rating row a skill of the group: the tier's own targets, or those only the next tier asks for.
  const ratingRows = (shown: SelfCheckView, group: RatedSkill['group']) =>
    shown.skills
      .filter((s) => s.group === group)
      .map((s) => (
        <RatingRow
          key={s.skill}
          row={s}
          info={skills[s.skill]}
          hasNext={shown.next !== null}
          onRate={(level: Level | null) => update(rate(state, ladders, s.skill, level))}
        />
      ));

  return (
    <div className="self-check">
      <section aria-labelledby="sc-choose" className="card sc-choose">
        <h2 id="sc-choose">Choose a role and tier</h2>
        <div className="sc-pickers">
          <div className="field">
            <label htmlFor="sc-role">Role</label>
            <select id="sc-role" value={state.role ?? ''} onChange={(e) => update(chooseRole(state, ladders, e.target.value || null))}>
              <option value="">Choose a role</option>
              {ladders.map((l) => (
                <option key={l.slug} value={l.slug}>
                  {l.title}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="sc-tier">Tier</label>
            <select
              id="sc-tier"
              value={state.tier ?? ''}
              disabled={!ladder}
              aria-describedby="sc-tier-hint"
              onChange={(e) => update(chooseTier(state, ladders, e.target.value || null))}
            >
              <option value="">Choose a tier</option>
              {ladder?.tiers.map((t) => (
                <option key={t.id} value={t.id}>{`${t.title} (${formatYears(t.yearsMin, t.yearsMax)})`}</option>
              ))}
            </select>
            <p id="sc-tier-hint" className="muted sc-hint">
              The tier you are in, or the one you are aiming for.
            </p>
          </div>
        </div>
        {tier && (
          <p className="sc-tier-pay" data-testid="tier-pay">
            US pay for this tier: {tier.pay ? <FigureText figure={tier.pay} /> : <strong>No pay figure published for this tier.</strong>}
            {tier.payNote && <span className="muted"> {tier.payNote}</span>}
          </p>
        )}
      </section>

      {view ? (
        <div className="sc-layout">
          <section aria-labelledby="sc-rate" className="sc-rate">
            <h2 id="sc-rate">Rate yourself</h2>
            <LevelGuide />
            {/* On one column the result sits below every skill; this saves a long scroll. */}
            <p className="sc-to-result">
              <a href="#sc-results">Go to your result</a>
            </p>
            <h3 id="sc-tier-skills">Skills for this tier</h3>
            <ul className="sc-skills" aria-labelledby="sc-tier-skills">
              {ratingRows(view, 'tier')}
            </ul>
            {view.next && view.skills.some((s) => s.group === 'next') && (
              <>
                <h3 id="sc-next-skills">Skills only the next tier asks for</h3>
                <ul className="sc-skills" aria-labelledby="sc-next-skills">
                  {ratingRows(view, 'next')}
                </ul>
              </>
            )}
          </section>
          {/* A view exists only once the address was read, so `location` is there. */}
          <Results view={view} skills={skills} href={hrefFor(state)} />
        </div>
      ) : (
        <p className="notice sc-start" role="status">
          {ladder ? 'Choose a tier to see the skills it targets and rate yourself.' : 'Choose a role to start.'}
        </p>
      )}
    </div>
  );
}
