import { Suspense, lazy, useMemo, useState, type ComponentType } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, useApi, type Execution, type Flow, type TaskRun } from '../../api/index.js';
import { EmptyState, ErrorBanner, LiveDuration, Loading, StateBadge, Tabs, formatDate } from '../../components/index.js';
import { LogViewer } from '../logs/log-viewer.js';
import { ExecutionActions } from './execution-actions.js';
import { Gantt } from './gantt.js';
import { isEndedState } from './gantt-layout.js';
import { LabelsEditor } from './labels-editor.js';
import { MetricsView } from './metrics-view.js';
import { OutputsView } from './outputs-view.js';
import { TaskRunDetails } from './task-run-details.js';
import { taskStates } from './task-states.js';
import { useLiveExecution } from './use-live-execution.js';
import './executions.css';

interface TopologyProps {
  flow: unknown;
  states?: Record<string, string>;
  onSelect?: (taskId: string) => void;
}
// The topology is another engineer's module; while it does not exist the tab is left out instead of breaking the build.
const topologyModules = import.meta.glob<{ Topology: ComponentType<TopologyProps> }>('../../topology/index.ts');
const loadTopology = topologyModules['../../topology/index.ts'];
const Topology = loadTopology ? lazy(async () => ({ default: (await loadTopology()).Topology })) : undefined;

const TABS = ['gantt', 'topology', 'logs', 'outputs', 'inputs', 'metrics'] as const;
type Tab = (typeof TABS)[number];

/** One execution, live: header with state and actions, then Gantt, topology, logs, outputs, inputs and metrics. */
export default function ExecutionPage() {
  const { id = '', tab: tabParam } = useParams();
  const navigate = useNavigate();
  const tab: Tab = (TABS as readonly string[]).includes(tabParam ?? '') ? (tabParam as Tab) : 'gantt';
  const live = useLiveExecution(id);
  const [selected, setSelected] = useState<string>();
  const [replayFrom, setReplayFrom] = useState<TaskRun>();
  const execution = live.data?.id === id ? live.data : undefined;

  if (!execution) {
    if (live.error !== undefined) {
      const missing = live.error instanceof ApiError && live.error.status === 404;
      return (
        <div className="page">
          <h1>Execution</h1>
          {missing ? <EmptyState title={`No execution ${id}`} hint={<Link to="/executions">See the executions</Link>} /> : <ErrorBanner error={live.error} onRetry={live.reload} />}
        </div>
      );
    }
    return <Loading label="Loading the execution…" />;
  }

  const selectTab = (next: string) => navigate(`/executions/${encodeURIComponent(id)}${next === 'gantt' ? '' : `/${next}`}`);
  const selectedRun = execution.taskRunList.find((t) => t.id === selected);
  const ended = isEndedState(execution.state.current);

  return (
    <div className="page execution-page" data-testid="execution-page">
      <header className="execution-header">
        <div className="execution-header__title">
          <h1>
            <Link to={`/flows/${encodeURIComponent(execution.namespace)}/${encodeURIComponent(execution.flowId)}`} data-testid="execution-flow-link">
              {execution.flowId}
            </Link>
            <span className="muted execution-header__id" title="Execution id">
              {execution.id}
            </span>
          </h1>
          <StateBadge state={execution.state.current} testId="execution-state" />
          <span className="muted small" aria-live="polite" data-testid="execution-live">
            {ended ? '' : live.mode === 'polling' ? 'live (polling)' : 'live'}
          </span>
          <span className="spacer" />
          <ExecutionActions execution={execution} onChanged={(next) => (next ? live.setData(next) : live.reload())} replayFrom={replayFrom} onReplayDialogClosed={() => setReplayFrom(undefined)} />
        </div>
        <dl className="execution-facts">
          <div>
            <dt>Namespace</dt>
            <dd>
              <Link to={`/namespaces/${encodeURIComponent(execution.namespace)}`}>{execution.namespace}</Link>
            </dd>
          </div>
          <div>
            <dt>Revision</dt>
            <dd>{execution.flowRevision}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{formatDate(execution.state.startDate)}</dd>
          </div>
          <div>
            <dt>Ended</dt>
            <dd>{formatDate(execution.state.endDate)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd data-testid="execution-duration">
              <LiveDuration start={execution.state.startDate} end={execution.state.endDate} iso={execution.state.duration} />
            </dd>
          </div>
          {execution.trigger && (
            <div>
              <dt>Trigger</dt>
              <dd title={execution.trigger.type}>{execution.trigger.id}</dd>
            </div>
          )}
          {execution.parent && (
            <div>
              <dt>Parent</dt>
              <dd>
                <Link to={`/executions/${encodeURIComponent(execution.parent.executionId)}`}>{execution.parent.flowId}</Link>
              </dd>
            </div>
          )}
          <div className="execution-facts__labels">
            <dt>Labels</dt>
            <dd>
              <LabelsEditor execution={execution} onSaved={(next) => live.setData(next)} />
            </dd>
          </div>
        </dl>
      </header>

      <Tabs
        selected={tab}
        onSelect={selectTab}
        testId="execution-tabs"
        tabs={[
          { id: 'gantt', label: 'Gantt' },
          { id: 'topology', label: 'Topology', hidden: !Topology },
          { id: 'logs', label: 'Logs' },
          { id: 'outputs', label: 'Outputs' },
          { id: 'inputs', label: 'Inputs' },
          { id: 'metrics', label: 'Metrics' },
        ]}
      />
      <div className="tab-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'gantt' && (
          <>
            <Gantt execution={execution} selected={selected} onSelect={(taskRunId) => setSelected(selected === taskRunId ? undefined : taskRunId)} />
            {selectedRun && <TaskRunDetails execution={execution} taskRun={selectedRun} onClose={() => setSelected(undefined)} onReplay={setReplayFrom} />}
          </>
        )}
        {tab === 'topology' && Topology && <TopologyTab execution={execution} Topology={Topology} onSelect={(taskId) => {
          const run = [...execution.taskRunList].reverse().find((t) => t.taskId === taskId);
          if (run) {
            setSelected(run.id);
            selectTab('gantt');
          }
        }} />}
        {tab === 'logs' && <LogViewer executionId={execution.id} live={!ended} taskRuns={execution.taskRunList} height="calc(100vh - 22rem)" />}
        {tab === 'outputs' && <OutputsTab execution={execution} />}
        {tab === 'inputs' && <OutputsView value={execution.inputs} executionId={execution.id} emptyText="This execution has no inputs." testId="execution-inputs" />}
        {tab === 'metrics' && <MetricsView taskRuns={execution.taskRunList} />}
      </div>
    </div>
  );
}

function TopologyTab({ execution, Topology: View, onSelect }: { execution: Execution; Topology: ComponentType<TopologyProps>; onSelect: (taskId: string) => void }) {
  const flow = useApi(
    (signal) => api.get<Flow>(`/api/v1/flows/${encodeURIComponent(execution.namespace)}/${encodeURIComponent(execution.flowId)}`, { revision: execution.flowRevision, allowDeleted: true }, { signal }),
    [execution.namespace, execution.flowId, execution.flowRevision],
  );
  const states = useMemo(() => taskStates(execution.taskRunList), [execution.taskRunList]);
  if (flow.error !== undefined) return <ErrorBanner error={flow.error} onRetry={flow.reload} title="The flow could not be loaded" />;
  if (!flow.data) return <Loading label="Loading the flow…" />;
  return (
    <Suspense fallback={<Loading />}>
      <div className="execution-topology" data-testid="execution-topology">
        <View flow={flow.data} states={states} onSelect={onSelect} />
      </div>
    </Suspense>
  );
}

function OutputsTab({ execution }: { execution: Execution }) {
  const withOutputs = execution.taskRunList.filter((t) => t.outputs && Object.keys(t.outputs).length > 0);
  const flowOutputs = execution.outputs && Object.keys(execution.outputs).length > 0 ? execution.outputs : undefined;
  if (!flowOutputs && withOutputs.length === 0) {
    return <EmptyState title="No outputs yet" hint={isEndedState(execution.state.current) ? 'No task of this execution returned outputs.' : 'Outputs appear here as tasks end.'} testId="outputs-empty" />;
  }
  return (
    <div className="outputs" data-testid="execution-outputs">
      {flowOutputs && (
        <section className="card">
          <h3>Flow outputs</h3>
          <OutputsView value={flowOutputs} executionId={execution.id} />
        </section>
      )}
      {withOutputs.map((t) => (
        <section key={t.id} className="card" data-testid={`outputs-${t.taskId}`}>
          <h3>
            {t.taskId}
            {t.value !== undefined && <span className="gantt__value">{t.value}</span>}
          </h3>
          <OutputsView value={t.outputs} executionId={execution.id} />
        </section>
      ))}
    </div>
  );
}
