import { useMemo } from 'react';
import type { Execution } from '../../api/index.js';
import { StateBadge, formatDuration } from '../../components/index.js';
import { stateColor } from '../../components/state-colors.js';
import { formatOffset, ganttLayout, isEndedState, timeTicks } from './gantt-layout.js';
import { useNow } from './use-now.js';

/** Task runs of an execution on a time axis: one row per task run, one bar per attempt; bars of running attempts grow live. */
export function Gantt({ execution, selected, onSelect }: { execution: Execution; selected?: string; onSelect: (taskRunId: string) => void }) {
  const live = !isEndedState(execution.state.current);
  const now = useNow(live);
  const layout = useMemo(() => ganttLayout(execution.taskRunList, now, execution.state), [execution, now]);
  const ticks = timeTicks(layout.endMs - layout.startMs, 8);

  if (layout.rows.length === 0) {
    return (
      <div className="gantt gantt--empty" data-testid="gantt">
        <p className="muted">{live ? 'Waiting for the first task to start…' : 'This execution ran no task.'}</p>
      </div>
    );
  }
  return (
    <div className="gantt" data-testid="gantt" role="table" aria-label="Task runs over time">
      <div className="gantt__head" role="row">
        <div className="gantt__label" role="columnheader">
          Task
        </div>
        <div className="gantt__axis" role="columnheader" aria-label="Time since start">
          {ticks.map((t) => (
            <span key={t.offsetMs} className="gantt__tick" style={{ left: `${t.fraction * 100}%` }}>
              {formatOffset(t.offsetMs)}
            </span>
          ))}
        </div>
      </div>
      {layout.rows.map((row) => (
        <button
          key={row.taskRunId}
          type="button"
          role="row"
          className={`gantt__row${selected === row.taskRunId ? ' gantt__row--selected' : ''}`}
          data-testid={`gantt-row-${row.taskId}`}
          data-taskrun-id={row.taskRunId}
          data-state={row.state}
          aria-pressed={selected === row.taskRunId}
          onClick={() => onSelect(row.taskRunId)}
        >
          <span className="gantt__label" role="cell" style={{ paddingLeft: `${0.5 + row.depth * 1.1}rem` }}>
            <span className="gantt__task" title={row.taskId}>
              {row.taskId}
            </span>
            {row.value !== undefined && (
              <span className="gantt__value" title={`Loop value: ${row.value}`}>
                {row.value}
              </span>
            )}
            <StateBadge state={row.state} />
          </span>
          <span className="gantt__track" role="cell">
            {ticks.map((t) => (
              <span key={t.offsetMs} className="gantt__grid" style={{ left: `${t.fraction * 100}%` }} />
            ))}
            {row.bars.map((bar) => (
              <span
                key={bar.attempt}
                className={`gantt__bar${bar.live ? ' gantt__bar--live' : ''}`}
                data-state={bar.state}
                style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%`, background: stateColor(bar.state) }}
                title={`${bar.attempt > 0 ? `Attempt ${bar.attempt}: ` : ''}${bar.state}, ${formatDuration(bar.endMs - bar.startMs)}`}
              />
            ))}
            <span className="gantt__duration">{formatDuration(row.endMs - row.startMs)}</span>
          </span>
        </button>
      ))}
    </div>
  );
}
