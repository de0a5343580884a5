import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Execution, LogEntry, StateType, TaskRun } from '@osprey/flow-model';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { ExecutionPurgeTask } from './execution-purge.js';

const { context, repository } = taskContexts({ id: 'purge', type: 'io.kestra.plugin.core.execution.PurgeExecutions' }, { sqlite: true });

const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}T10:00:00.000Z`;

/** An execution as the executor stores it, with one task run holding an output and a metric. */
function stored(id: string, namespace: string, flowId: string, state: StateType, start: number, end?: number): { execution: Execution; taskRuns: TaskRun[] } {
  const taskRun: TaskRun = {
    id: `${id}-tr`,
    executionId: id,
    namespace,
    flowId,
    taskId: 't',
    attempts: [{ state: { current: 'SUCCESS', histories: [], startDate: day(start) }, metrics: [{ name: 'rows', type: 'counter', value: 3 }] } as TaskRun['attempts'][number]],
    outputs: { value: 1 },
    state: { current: 'SUCCESS', histories: [], startDate: day(start) },
  };
  const execution: Execution = {
    id,
    namespace,
    flowId,
    flowRevision: 1,
    state: { current: state, histories: [{ state, date: day(start) }], startDate: day(start), ...(end === undefined ? {} : { endDate: day(end) }) },
    labels: [],
    inputs: {},
    variables: {},
    taskRunList: [taskRun],
    version: 1,
  };
  return { execution, taskRuns: [taskRun] };
}

const log = (executionId: string, namespace: string): LogEntry => ({ namespace, flowId: 'f', executionId, timestamp: day(1), level: 'INFO', message: executionId });

async function seed(id: string, namespace: string, flowId: string, state: StateType, start: number, end?: number) {
  const { execution, taskRuns } = stored(id, namespace, flowId, state, start, end);
  await repository().writeExecution(execution, taskRuns);
  await repository().logs.append([log(id, namespace), log(id, namespace)]);
  // A file under the execution's prefix, written the way its tasks write theirs.
  const owner = await context({}, undefined, { namespace, flowId, executionId: id });
  await owner.storage.putFile('out.txt', 'data');
}

async function purge(properties: Record<string, unknown>) {
  return (await new ExecutionPurgeTask().run(await context(properties, undefined, { namespace: 'system', flowId: 'purger', executionId: 'current' }))).outputs!;
}

async function remaining() {
  return (await repository().executions.search({ size: 100 })).results.map((execution) => execution.id).sort();
}

describe('ExecutionPurgeTask (SQLite repository)', () => {
  beforeEach(async () => {
    for (const id of await remaining()) await repository().executions.delete(id);
    await repository().logs.purge({ endDate: '2100-01-01T00:00:00.000Z' });
    await seed('old-success', 'company', 'a', 'SUCCESS', 1, 2);
    await seed('old-failed', 'company', 'b', 'FAILED', 1, 2);
    await seed('child', 'company.team', 'a', 'SUCCESS', 2, 3);
    await seed('sibling', 'companyx', 'a', 'SUCCESS', 2, 3);
    await seed('ended-late', 'company', 'a', 'SUCCESS', 3, 20);
    await seed('running', 'company', 'a', 'RUNNING', 1);
    await seed('recent', 'company', 'a', 'SUCCESS', 20, 21);
  });

  it('purges the executions ended by endDate with their logs, files, task outputs and metrics, never an unfinished one', async () => {
    expect(await purge({ endDate: day(10) })).toEqual({ executionsCount: 4, taskOutputsCount: 4, logsCount: 8, storagesCount: 4, metricsCount: 4 });
    expect(await remaining()).toEqual(['ended-late', 'recent', 'running']);
    expect((await repository().logs.search({ executionId: 'old-success' })).total).toBe(0);
    expect((await repository().logs.search({ executionId: 'running' })).total).toBe(2);
  });

  it('purges a namespace with its children, never a sibling, exactly the namespace with flowId, from startDate, in the states named', async () => {
    expect(await purge({ namespace: 'company', startDate: day(2), endDate: day(10) })).toMatchObject({ executionsCount: 1 });
    expect(await remaining()).not.toContain('child');
    expect(await purge({ namespace: 'company', flowId: 'a', endDate: day(10) })).toMatchObject({ executionsCount: 1 });
    expect(await remaining()).toEqual(['ended-late', 'old-failed', 'recent', 'running', 'sibling']);
    expect(await purge({ states: ['SUCCESS'], endDate: day(10) })).toMatchObject({ executionsCount: 1 });
    expect(await remaining()).toEqual(['ended-late', 'old-failed', 'recent', 'running']);
  });

  it('keeps what it is told to keep: the executions, their logs or their files', async () => {
    expect(await purge({ endDate: day(10), purgeExecution: false, purgeLog: false })).toEqual({ executionsCount: 0, taskOutputsCount: 0, logsCount: 0, storagesCount: 4, metricsCount: 0 });
    expect(await remaining()).toHaveLength(7);
    expect(await purge({ endDate: day(10), purgeStorage: false, batchSize: 1 })).toEqual({ executionsCount: 4, taskOutputsCount: 4, logsCount: 8, storagesCount: 0, metricsCount: 4 });
  });

  it('refuses flowId without namespace, purgeMetric unlike purgeExecution and a date without time, by name', async () => {
    await expect(purge({ flowId: 'a', endDate: day(10) })).rejects.toThrow("Invalid property 'flowId': flowId needs namespace");
    await expect(purge({ purgeMetric: false, endDate: day(10) })).rejects.toThrow("Invalid property 'purgeMetric': purgeMetric must equal purgeExecution");
    await expect(purge({ endDate: '2026-01-10' })).rejects.toThrow("Invalid property 'endDate'");
    expect(await remaining()).toHaveLength(7);
  });
});
