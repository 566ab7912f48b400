// Where a plan stands (PlanStatus.astro draws it on the server): today's
// position, the RAG status with its reasons, and progress overall and per
// phase. On the checklist pages it is an island that recounts, with the
// domain's planRag and progressOf, as tasks are checked off on the page.
import { phaseProgress, planPosition, planRag, positionLabel, progressOf, startLabel, type TaskState } from '#domain/ramp.ts';
import { RAG_CLASS, ragText } from './display.ts';
import { useLiveTasks } from './ramp-live.ts';

interface Props {
  planId: number;
  status: 'active' | 'completed' | 'closed';
  startDate: string;
  today: string;
  /** Phase id to its title. */
  phaseTitles: Record<string, string>;
  tasks: TaskState[];
  /** "This plan was completed on … by …", written on the server. */
  endedText: string;
}

export function ProgressBar({
  id,
  label,
  done,
  total,
  percent,
}: {
  id: string;
  label: string;
  done: number;
  total: number;
  percent: number;
}) {
  return (
    <div className="ramp-progress">
      <div className="ramp-progress-label" id={`${id}-label`}>
        <span>{label}</span>
        <span className="num">{total === 0 ? 'No tasks' : `${done} of ${total} done (${percent}%)`}</span>
      </div>
      <progress id={id} max={100} value={percent} aria-labelledby={`${id}-label`}>
        {percent}%
      </progress>
    </div>
  );
}

export default function RampStatus({ planId, status, startDate, today, phaseTitles, tasks: initial, endedText }: Props) {
  const tasks = useLiveTasks(initial);
  const rag = planRag(tasks, startDate, today);
  const overall = progressOf(tasks);
  return (
    <div className="card ramp-status" data-testid="plan-status">
      <p className="ramp-badge-row">
        <strong data-testid="plan-position">
          {status === 'active' ? positionLabel(planPosition(startDate, today)) : status === 'completed' ? 'Completed' : 'Closed'}
        </strong>{' '}
        {/* One text node, so the server's HTML reads as one phrase and not in React's comment-separated pieces. */}
        <span className="muted" data-testid="plan-start">{`· ${startLabel(startDate, today)}`}</span>
      </p>
      {status === 'active' ? (
        <>
          <p className="ramp-badge-row">
            Status:{' '}
            <span className={`badge ramp-rag ${RAG_CLASS[rag.level]}`} data-rag={rag.level}>
              {ragText(rag)}
            </span>
          </p>
          <ul className="ramp-reasons" aria-label="Why this status">
            {rag.reasons.map((r) => (
              <li key={r.text}>{r.text}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>{endedText}</p>
      )}
      <ProgressBar id={`progress-${planId}`} label="Overall" {...overall} />
      <div className="ramp-phase-bars">
        {phaseProgress(tasks).map((p) => (
          <ProgressBar
            key={p.phase.id}
            id={`progress-${planId}-${p.phase.id}`}
            label={`${p.phase.label}${phaseTitles[p.phase.id] ? `: ${phaseTitles[p.phase.id]}` : ''}`}
            done={p.done}
            total={p.total}
            percent={p.percent}
          />
        ))}
      </div>
    </div>
  );
}
