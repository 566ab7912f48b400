// One skill to rate: a native select (keyboard and screen-reader friendly with
// no extra code) and the gap to this tier's and the next tier's target.
import { LEVELS, type Level } from '#domain/scale.ts';
import type { RatedSkill, SkillGap } from '#domain/skills.ts';

export interface SkillInfo {
  name: string;
  description: string;
}

export const levelName = (n: number) => `${LEVELS[n]?.label ?? n} (${n})`;
export const levels = (n: number) => `${n} level${n === 1 ? '' : 's'}`;

/** The scale's written definitions, so a rating means the same to everyone. */
export function LevelGuide() {
  return (
    <details className="sc-levels">
      <summary>What the levels mean</summary>
      <dl>
        {LEVELS.map((l) => (
          <div key={l.value}>
            <dt>{levelName(l.value)}</dt>
            <dd>{l.definition}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/** "This tier: target Proficient (3), 1 level below". Words, not colour alone, carry the result. */
function TargetLine({ which, g }: { which: string; g: SkillGap | null }) {
  if (!g) return <li className="muted">{which}: no target</li>;
  const [badge, text] = g.unrated
    ? ['neutral', 'not rated yet']
    : g.met
      ? ['ok', g.gap < 0 ? `meets it, ${levels(-g.gap)} above` : 'meets it']
      : ['warn', `${levels(g.gap)} below`];
  return (
    <li>
      {which}: target {levelName(g.target)} <span className={`badge ${badge}`}>{text}</span>
    </li>
  );
}

interface Props {
  row: RatedSkill;
  info: SkillInfo | undefined;
  hasNext: boolean;
  onRate: (level: Level | null) => void;
}

export function RatingRow({ row, info, hasNext, onRate }: Props) {
  const id = `sc-rate-${row.skill}`;
  return (
    <li className="sc-skill" data-skill={row.skill}>
      <div className="sc-skill-name">
        <label htmlFor={id}>{info?.name ?? row.skill}</label>
        {info && (
          <p id={`${id}-about`} className="muted">
            {info.description}
          </p>
        )}
      </div>
      <select
        id={id}
        value={row.rating ?? ''}
        aria-describedby={info ? `${id}-about` : undefined}
        onChange={(e) => onRate(e.target.value === '' ? null : (Number(e.target.value) as Level))}
      >
        <option value="">Not rated</option>
        {LEVELS.map((l) => (
          <option key={l.value} value={l.value}>
            {levelName(l.value)}
          </option>
        ))}
      </select>
      <ul className="sc-targets">
        <TargetLine which="This tier" g={row.current} />
        {hasNext && <TargetLine which="Next tier" g={row.next} />}
      </ul>
    </li>
  );
}
