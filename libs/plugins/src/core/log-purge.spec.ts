import { beforeEach, describe, expect, it } from '@jest/globals';
import type { LogEntry, LogLevel } from '@osprey/flow-model';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { LogPurgeTask } from './log-purge.js';

const { context, repository } = taskContexts({ id: 'purge', type: 'io.kestra.plugin.core.log.PurgeLogs' }, { sqlite: true });

const entry = (namespace: string, flowId: string, executionId: string, level: LogLevel, message: string, day: number): LogEntry => ({
  namespace,
  flowId,
  executionId,
  taskId: 't',
  timestamp: `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`,
  level,
  message,
});

async function purge(properties: Record<string, unknown>, variables?: Record<string, unknown>) {
  return (await new LogPurgeTask().run(await context(properties, variables))).outputs!;
}

async function messages() {
  return (await repository().logs.search({})).results.map((log) => log.message).sort();
}

describe('LogPurgeTask (SQLite repository)', () => {
  beforeEach(async () => {
    await repository().logs.purge({ endDate: '2100-01-01T00:00:00.000Z' });
    await repository().logs.append([
      entry('company', 'a', 'e1', 'INFO', 'company a info', 1),
      entry('company', 'a', 'e1', 'ERROR', 'company a error', 2),
      entry('company', 'b', 'e2', 'DEBUG', 'company b debug', 3),
      entry('company.team', 'a', 'e3', 'INFO', 'team a info', 4),
      entry('companyx', 'a', 'e4', 'INFO', 'sibling info', 5),
      entry('company', 'a', 'e5', 'INFO', 'company a recent', 20),
    ]);
  });

  it('purges every log stamped up to endDate, and outputs the count', async () => {
    expect(await purge({ endDate: '2026-01-10T00:00:00Z' })).toEqual({ count: 5, executionLogsCount: 5, nonExecutionLogsCount: 0 });
    expect(await messages()).toEqual(['company a recent']);
  });

  it('purges a namespace with its children, never a sibling that shares its prefix, from startDate and at the levels named', async () => {
    expect(await purge({ namespace: 'company', logLevels: ['INFO', 'DEBUG'], startDate: '2026-01-02T00:00:00Z', endDate: '2026-01-10T00:00:00Z' })).toMatchObject({ count: 2 });
    expect(await messages()).toEqual(['company a error', 'company a info', 'company a recent', 'sibling info']);
  });

  it('purges exactly the namespace of a flow with flowId, and one execution with executionId', async () => {
    expect(await purge({ namespace: 'company', flowId: 'a', endDate: '2026-01-10T00:00:00+01:00' })).toMatchObject({ count: 2 });
    expect(await messages()).toEqual(['company a recent', 'company b debug', 'sibling info', 'team a info']);
    expect(await purge({ executionId: 'e3', endDate: '{{ limit }}' }, { limit: '2026-01-10T00:00:00Z' })).toMatchObject({ count: 1 });
    expect(await messages()).toEqual(['company a recent', 'company b debug', 'sibling info']);
  });

  it('purges nothing with purgeExecutionLogs false, and refuses flowId without namespace and a date without time', async () => {
    expect(await purge({ endDate: '2026-01-10T00:00:00Z', purgeExecutionLogs: false })).toEqual({ count: 0, executionLogsCount: 0, nonExecutionLogsCount: 0 });
    await expect(purge({ flowId: 'a', endDate: '2026-01-10T00:00:00Z' })).rejects.toThrow("Invalid property 'flowId': flowId needs namespace");
    await expect(purge({ endDate: '2026-01-10' })).rejects.toThrow("Invalid property 'endDate': expected an ISO date-time");
    await expect(purge({})).rejects.toThrow("Invalid property 'endDate': is required");
    expect(await messages()).toHaveLength(6);
  });
});
