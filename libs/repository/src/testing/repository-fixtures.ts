import type { Execution, Flow, Label, StateType, TaskRun } from '@osprey/flow-model';

/** Small builders for contract tests: plain objects in the shape the engine writes. */
export function testFlow(namespace: string, id: string, labels: Label[] = []): Flow {
  return {
    id,
    namespace,
    labels,
    inputs: [],
    variables: {},
    tasks: [{ id: 'hello', type: 'io.kestra.plugin.core.log.Log', message: 'hi' }],
    errors: [],
    finally: [],
    outputs: [],
    triggers: [],
    pluginDefaults: [],
    disabled: false,
  };
}

export function testState(current: StateType, startDate: string, endDate?: string) {
  const histories = [{ state: 'CREATED' as StateType, date: startDate }];
  if (current !== 'CREATED') histories.push({ state: current, date: endDate ?? startDate });
  return endDate ? { current, histories, startDate, endDate, duration: 'PT1.000S' } : { current, histories, startDate };
}

export function testTaskRun(execution: Pick<Execution, 'id' | 'namespace' | 'flowId'>, id: string, taskId: string, current: StateType, startDate: string): TaskRun {
  return {
    id,
    executionId: execution.id,
    namespace: execution.namespace,
    flowId: execution.flowId,
    taskId,
    attempts: [{ state: testState(current, startDate) }],
    outputs: { value: `${taskId} output`, nested: { list: [1, 2, 3] } },
    state: testState(current, startDate),
  };
}

export function testExecution(
  id: string,
  options: { namespace?: string; flowId?: string; state?: StateType; startDate?: string; labels?: Label[]; parent?: string; taskRuns?: number } = {},
): Execution {
  const namespace = options.namespace ?? 'company.team';
  const flowId = options.flowId ?? 'hello';
  const startDate = options.startDate ?? '2024-05-01T10:00:00.000Z';
  const execution: Execution = {
    id,
    namespace,
    flowId,
    flowRevision: 1,
    state: testState(options.state ?? 'RUNNING', startDate),
    labels: options.labels ?? [],
    inputs: { name: 'world', count: 3 },
    variables: { env: 'test' },
    taskRunList: [],
    version: 1,
  };
  if (options.parent) {
    execution.parent = { executionId: options.parent, taskRunId: 'parent-tr', namespace, flowId: 'parent', wait: true, transmitFailed: true };
  }
  for (let i = 0; i < (options.taskRuns ?? 0); i++) {
    execution.taskRunList.push(testTaskRun(execution, `${id}-tr${i}`, `task${i}`, 'SUCCESS', startDate));
  }
  return execution;
}
