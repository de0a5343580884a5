import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Execution, StateType } from '@osprey/flow-model';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { ExecutionCountTask } from './execution-count.js';

const { context, repository } = taskContexts({ id: 'count', type: 'io.kestra.plugin.core.execution.Count' }, { sqlite: true, expressions: 'pebble' });

/** An ended execution as the executor stores it. */
function testExecution(id: string, options: { namespace: string; flowId: string; state: StateType; startDate: string }): Execution {
  const { namespace, flowId, state, startDate } = options;
  return {
    id,
    namespace,
    flowId,
    flowRevision: 1,
    state: { current: state, histories: [{ state: 'CREATED', date: startDate }, { state, date: startDate }], startDate, endDate: startDate },
    labels: [],
    inputs: {},
    variables: {},
    taskRunList: [],
    version: 1,
  };
}

// Seeded once for the file (after the fixture's hook opens the repository): each test reads the same executions.
beforeAll(async () => {
  const executions = [
    testExecution('e1', { namespace: 'team.a', flowId: 'x', state: 'SUCCESS', startDate: '2026-01-01T10:00:00.000Z' }),
    testExecution('e2', { namespace: 'team.a', flowId: 'x', state: 'FAILED', startDate: '2026-01-02T10:00:00.000Z' }),
    testExecution('e3', { namespace: 'team.a', flowId: 'y', state: 'SUCCESS', startDate: '2026-01-03T10:00:00.000Z' }),
    testExecution('e4', { namespace: 'team.a.child', flowId: 'x', state: 'SUCCESS', startDate: '2026-01-03T10:00:00.000Z' }),
    testExecution('e5', { namespace: 'team.a', flowId: 'x', state: 'SUCCESS', startDate: '2025-06-01T10:00:00.000Z' }),
  ];
  for (const execution of executions) await repository().writeExecution(execution, []);
});

const count = async (properties: Record<string, unknown>) =>
  (await new ExecutionCountTask().run(await context({ startDate: '2026-01-01T00:00:00Z', endDate: '2026-01-31T00:00:00Z', expression: '{{ count >= 0 }}', ...properties }))).outputs;

describe('ExecutionCountTask (SQLite repository)', () => {
  it('counts the executions of each flow in the date range, zero included, and of each exact namespace', async () => {
    expect(await count({ flows: [{ namespace: 'team.a', flowId: 'x' }, { namespace: 'team.a', flowId: 'none' }] })).toEqual({
      results: [
        { namespace: 'team.a', flowId: 'x', count: 2 },
        { namespace: 'team.a', flowId: 'none', count: 0 },
      ],
      total: 2,
    });
    expect(await count({ namespaces: ['team.a', 'team.empty'] })).toEqual({ results: [{ namespace: 'team.a', count: 3 }], total: 3 });
  });

  it('counts only the given states, and keeps the counts the expression accepts', async () => {
    expect((await count({ flows: [{ namespace: 'team.a', flowId: 'x' }], states: ['failed'] }))?.['total']).toBe(1);
    expect(await count({ flows: [{ namespace: 'team.a', flowId: 'x' }, { namespace: 'team.a', flowId: 'y' }], expression: '{{ count > 1 }}' })).toEqual({
      results: [{ namespace: 'team.a', flowId: 'x', count: 2 }],
      total: 2,
    });
    expect((await count({ flows: [{ namespace: 'team.a', flowId: 'x' }], startDate: '2025-01-01T00:00:00Z' }))?.['total']).toBe(3);
  });

  it('requires flows or namespaces, well-formed flows and ISO dates', async () => {
    await expect(count({})).rejects.toThrow("Invalid property 'flows': you must provide a list of flows or namespaces");
    await expect(count({ flows: [{ namespace: 'team.a' }] })).rejects.toThrow("Invalid property 'flows': item 0 must be a map of namespace and flowId");
    await expect(count({ namespaces: ['team.a'], startDate: 'yesterday' })).rejects.toThrow("Invalid property 'startDate': expected an ISO date-time");
  });
});
