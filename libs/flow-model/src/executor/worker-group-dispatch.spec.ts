import { parseFlow } from '../flow/index.js';
import type { Execution } from '../execution/execution.js';
import { newState } from '../execution/state.js';
import { decide, type DecideInput } from './decide.js';
import type { ExecutorAction } from './events.js';

function start(yaml: string, workerGroups?: DecideInput['workerGroups']) {
  const flow = parseFlow(`id: grouped\nnamespace: io.osprey.tests\n${yaml}`);
  const execution: Execution = { id: 'e', namespace: flow.namespace, flowId: flow.id, flowRevision: 1, state: newState(new Date(0)), labels: [], inputs: {}, taskRunList: [], version: 0 };
  return decide({ flow, execution, event: { type: 'start' }, now: new Date(1000), newId: () => 'tr', workerGroups });
}

const grouped = (fallback = '') =>
  `tasks:\n  - id: gpu\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    workerGroup:\n      key: gpu${fallback ? `\n      fallback: ${fallback}` : ''}\n`;
const jobs = (actions: ExecutorAction[]) => actions.flatMap((action) => (action.type === 'dispatch' ? [action.job] : []));
const logs = (actions: ExecutorAction[]) => actions.flatMap((action) => (action.type === 'log' ? [`${action.level} ${action.message}`] : []));

describe('dispatching a task of a worker group', () => {
  it('stamps the job with the group key when a worker of the group is alive, and logs nothing', () => {
    const decision = start(grouped(), { live: new Set(['gpu']) });
    expect(jobs(decision.actions).map((job) => job.workerGroup)).toEqual(['gpu']);
    expect(logs(decision.actions)).toEqual([]);
  });

  it('leaves jobs of tasks without a group unstamped', () => {
    const decision = start('tasks:\n  - id: plain\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n', { live: new Set() });
    expect(jobs(decision.actions).map((job) => 'workerGroup' in job)).toEqual([false]);
  });

  it('waits by default when no worker of the group is alive, and says so in the logs', () => {
    const decision = start(grouped(), { live: new Set(['other']) });
    expect(jobs(decision.actions).map((job) => job.workerGroup)).toEqual(['gpu']);
    expect(logs(decision.actions)).toEqual(["WARN no worker of group 'gpu' is alive: the task waits for one to take it"]);
    expect(decision.execution.taskRunList.map((run) => run.state.current)).toEqual(['CREATED']);
  });

  it('fails the task run naming the group when no worker of it is alive and the fallback is FAIL', () => {
    const decision = start(grouped('FAIL'), { live: new Set() });
    expect(jobs(decision.actions)).toEqual([]);
    expect(decision.execution.taskRunList.map((run) => run.state.current)).toEqual(['FAILED']);
    expect(logs(decision.actions)).toEqual(["ERROR no worker of group 'gpu' is alive: the task fails (workerGroup.fallback FAIL)"]);
    expect(decision.execution.state.current).toBe('FAILED');
  });

  it('takes the group from plugin defaults', () => {
    const decision = start(
      `pluginDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    values:\n      workerGroup:\n        key: gpu\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`,
      { live: new Set(['gpu']) },
    );
    expect(jobs(decision.actions).map((job) => job.workerGroup)).toEqual(['gpu']);
  });
});
