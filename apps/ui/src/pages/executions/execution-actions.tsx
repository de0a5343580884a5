import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, type Execution, type Flow, type FlowInput, type TaskRun } from '../../api/index.js';
import { ConfirmDialog, Dialog, ErrorBanner, Loading, toast } from '../../components/index.js';
import { pausedTaskRun, resumeInputs } from './flow-task.js';
import { isEndedState } from './gantt-layout.js';
import { ResumeForm, initialResumeValues, resumeBody, type ResumeValues } from './resume-form.js';

type DialogKind = 'kill' | 'restart' | 'replay' | 'resume' | 'delete';

const FAILED = new Set(['FAILED', 'KILLED', 'CANCELLED']);

/**
 * The execution's actions, each behind a confirmation: kill, restart, replay (from a task run),
 * resume (with the Pause task's inputs), delete. `replayFrom` opens the replay dialog from outside (the task run panel).
 */
export function ExecutionActions({ execution, onChanged, replayFrom, onReplayDialogClosed }: {
  execution: Execution;
  onChanged: (execution?: Execution) => void;
  replayFrom?: TaskRun;
  onReplayDialogClosed?: () => void;
}) {
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<DialogKind>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [replayTaskRunId, setReplayTaskRunId] = useState('');
  const state = execution.state.current;
  const ended = isEndedState(state);
  const path = `/api/v1/executions/${encodeURIComponent(execution.id)}`;

  useEffect(() => {
    if (replayFrom) {
      setReplayTaskRunId(replayFrom.id);
      open('replay');
    }
  }, [replayFrom]);

  function open(kind: DialogKind) {
    setError(undefined);
    setDialog(kind);
  }
  const close = () => {
    if (dialog === 'replay') onReplayDialogClosed?.();
    setDialog(undefined);
  };
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      setDialog(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const kill = () =>
    run(async () => {
      await api.del(`${path}/kill`);
      toast('Kill requested', 'info');
      onChanged();
    });
  const restart = () =>
    run(async () => {
      onChanged(await api.post<Execution>(`${path}/restart`));
      toast('Execution restarted', 'success');
    });
  const replay = () =>
    run(async () => {
      const created = await api.post<Execution>(`${path}/replay`, undefined, { query: { taskRunId: replayTaskRunId || undefined } });
      onReplayDialogClosed?.();
      toast('Replay started', 'success');
      navigate(`/executions/${encodeURIComponent(created.id)}`);
    });
  const remove = () =>
    run(async () => {
      await api.del(path);
      toast('Execution deleted', 'success');
      navigate(`/executions?namespace=${encodeURIComponent(execution.namespace)}&flowId=${encodeURIComponent(execution.flowId)}`);
    });

  return (
    <div className="execution-actions" role="group" aria-label="Execution actions">
      {state === 'PAUSED' && (
        <button type="button" className="btn btn--primary" onClick={() => open('resume')} data-testid="resume-execution">
          Resume
        </button>
      )}
      {!ended && (
        <button type="button" className="btn btn--danger" onClick={() => open('kill')} disabled={state === 'KILLING'} data-testid="kill-execution">
          Kill
        </button>
      )}
      {FAILED.has(state) && (
        <button type="button" className="btn" onClick={() => open('restart')} data-testid="restart-execution">
          Restart
        </button>
      )}
      {ended && (
        <button
          type="button"
          className="btn"
          onClick={() => {
            setReplayTaskRunId('');
            open('replay');
          }}
          data-testid="replay-execution"
        >
          Replay
        </button>
      )}
      {ended && (
        <button type="button" className="btn btn--ghost" onClick={() => open('delete')} data-testid="delete-execution">
          Delete
        </button>
      )}

      <ConfirmDialog
        open={dialog === 'kill'}
        title="Kill this execution?"
        message={
          <>
            <ErrorBanner error={error} />
            <p>Its running tasks are stopped and the execution ends as KILLED.</p>
          </>
        }
        confirmLabel="Kill"
        danger
        busy={busy}
        onConfirm={() => void kill()}
        onClose={close}
      />
      <ConfirmDialog
        open={dialog === 'restart'}
        title="Restart this execution?"
        message={
          <>
            <ErrorBanner error={error} />
            <p>Its failed task runs run again, in this same execution; what succeeded is kept.</p>
          </>
        }
        confirmLabel="Restart"
        busy={busy}
        onConfirm={() => void restart()}
        onClose={close}
      />
      <ConfirmDialog
        open={dialog === 'delete'}
        title="Delete this execution?"
        message={
          <>
            <ErrorBanner error={error} />
            <p>The execution, its logs and its files are deleted. This cannot be undone.</p>
          </>
        }
        confirmLabel="Delete"
        danger
        busy={busy}
        onConfirm={() => void remove()}
        onClose={close}
      />
      <Dialog
        open={dialog === 'replay'}
        onClose={close}
        title="Replay as a new execution"
        testId="replay-dialog"
        footer={
          <>
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button type="button" className="btn btn--primary" onClick={() => void replay()} disabled={busy} data-testid="replay-submit">
              Replay
            </button>
          </>
        }
      >
        <ErrorBanner error={error} />
        <label className="field">
          <span className="field__label">Start from</span>
          <select value={replayTaskRunId} onChange={(e) => setReplayTaskRunId(e.target.value)} data-testid="replay-task-run">
            <option value="">The beginning (run every task again)</option>
            {execution.taskRunList.map((t) => (
              <option key={t.id} value={t.id}>
                {t.taskId}
                {t.value !== undefined ? ` [${t.value}]` : ''} — {t.state.current}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">What ended before the chosen task run is kept; it and everything after run again.</p>
      </Dialog>
      {dialog === 'resume' && <ResumeDialog execution={execution} onClose={close} onResumed={() => { setDialog(undefined); onChanged(); }} />}
    </div>
  );
}

function ResumeDialog({ execution, onClose, onResumed }: { execution: Execution; onClose: () => void; onResumed: () => void }) {
  const paused = pausedTaskRun(execution.taskRunList);
  const [inputs, setInputs] = useState<FlowInput[]>();
  const [values, setValues] = useState<ResumeValues>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    api
      .get<Flow>(`/api/v1/flows/${encodeURIComponent(execution.namespace)}/${encodeURIComponent(execution.flowId)}`, { revision: execution.flowRevision, allowDeleted: true }, { signal: controller.signal })
      .then((flow) => {
        const declared = paused ? (resumeInputs(flow, paused.taskId) as FlowInput[]) : [];
        setInputs(declared);
        setValues(initialResumeValues(declared));
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        // Without the flow the execution can still be resumed without inputs.
        setInputs([]);
        setError(e);
      });
    return () => controller.abort();
  }, [execution.namespace, execution.flowId, execution.flowRevision, paused?.taskId]);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const body = resumeBody(values);
      const path = `/api/v1/executions/${encodeURIComponent(execution.id)}/resume`;
      if (body instanceof FormData) await api.upload(path, body);
      else await api.post(path, body);
      toast('Execution resumed', 'success');
      onResumed();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={`Resume${paused ? ` after ${paused.taskId}` : ''}`}
      testId="resume-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn--primary" onClick={() => void submit()} disabled={busy || inputs === undefined} data-testid="resume-submit">
            Resume
          </button>
        </>
      }
    >
      <ErrorBanner error={error} />
      {inputs === undefined ? <Loading label="Loading the pause's inputs…" /> : inputs.length === 0 ? <p>The execution continues with the task after the pause.</p> : <ResumeForm inputs={inputs} values={values} onChange={setValues} />}
    </Dialog>
  );
}
