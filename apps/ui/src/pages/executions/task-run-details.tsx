import type { Execution, TaskRun } from '../../api/index.js';
import { DataTable, LiveDuration, StateBadge, formatDate } from '../../components/index.js';
import { LogViewer } from '../logs/log-viewer.js';
import { isEndedState } from './gantt-layout.js';
import { OutputsView } from './outputs-view.js';

/** One task run: its attempts, outputs and logs (opened from a Gantt row). */
export function TaskRunDetails({ execution, taskRun, onClose, onReplay }: { execution: Execution; taskRun: TaskRun; onClose: () => void; onReplay?: (taskRun: TaskRun) => void }) {
  const attempts = taskRun.attempts.map((a, i) => ({ ...a, number: i + 1 }));
  return (
    <section className="task-run-details card" data-testid="task-run-details" aria-label={`Task run ${taskRun.taskId}`}>
      <header className="task-run-details__header">
        <h3>
          {taskRun.taskId}
          {taskRun.value !== undefined && <span className="gantt__value">{taskRun.value}</span>}
        </h3>
        <StateBadge state={taskRun.state.current} testId="task-run-state" />
        <span className="muted small">
          <LiveDuration start={taskRun.state.startDate} end={taskRun.state.endDate} iso={taskRun.state.duration} />
        </span>
        <code className="muted small">{taskRun.id}</code>
        <span className="spacer" />
        {onReplay && isEndedState(execution.state.current) && (
          <button type="button" className="btn btn--small" onClick={() => onReplay(taskRun)} data-testid="replay-from-task-run">
            Replay from here
          </button>
        )}
        <button type="button" className="btn btn--small btn--ghost" onClick={onClose} aria-label="Close the task run details">
          ×
        </button>
      </header>
      <h4>Attempts</h4>
      {attempts.length === 0 ? (
        <p className="muted">A flowable task: it runs no attempt itself, its children do.</p>
      ) : (
        <DataTable
          rows={attempts}
          rowKey={(a) => String(a.number)}
          testId="task-run-attempts"
          columns={[
            { key: 'n', header: '#', width: '3rem', render: (a) => a.number },
            { key: 'state', header: 'State', render: (a) => <StateBadge state={a.state.current} /> },
            { key: 'start', header: 'Started', render: (a) => formatDate(a.state.startDate) },
            { key: 'duration', header: 'Duration', render: (a) => <LiveDuration start={a.state.startDate} end={a.state.endDate} iso={a.state.duration} /> },
            { key: 'worker', header: 'Worker', render: (a) => <code className="small">{a.workerId ?? '–'}</code> },
          ]}
        />
      )}
      <h4>Outputs</h4>
      <OutputsView value={taskRun.outputs} executionId={execution.id} emptyText="This task run has no outputs." testId="task-run-outputs" />
      <h4>Logs</h4>
      <LogViewer executionId={execution.id} taskRunId={taskRun.id} live={!isEndedState(taskRun.state.current)} height="16rem" />
    </section>
  );
}
