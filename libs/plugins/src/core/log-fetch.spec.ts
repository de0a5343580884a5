import { describe, expect, it } from '@jest/globals';
import { readIonValues, type LogEntry, type LogLevel } from '@osprey/flow-model';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { LogFetchTask } from './log-fetch.js';

const { context, read, repository } = taskContexts({ id: 'fetch', type: 'io.kestra.plugin.core.log.Fetch' }, { sqlite: true });

const entry = (executionId: string, taskId: string, level: LogLevel, message: string, second: number, flowId = 'test-flow'): LogEntry => ({
  namespace: 'io.osprey.tests',
  flowId,
  executionId,
  taskId,
  taskRunId: `${taskId}-run`,
  attemptNumber: 0,
  timestamp: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
  level,
  message,
});

async function fetchLogs(properties: Record<string, unknown>, executionId = 'exec-1') {
  const ctx = await context(properties, undefined, { executionId });
  const outputs = (await new LogFetchTask().run(ctx)).outputs!;
  const text = await read(ctx, outputs['uri'] as string);
  return { uri: outputs['uri'] as string, size: outputs['size'], text, lines: readIonValues(text) as LogEntry[] };
}

describe('LogFetchTask (SQLite repository)', () => {
  it('writes the logs of the current execution at INFO or above, oldest first, one entry a line', async () => {
    await repository().logs.append([
      entry('exec-1', 'a', 'INFO', 'a info', 1),
      entry('exec-1', 'a', 'DEBUG', 'a debug', 2),
      entry('exec-1', 'b', 'ERROR', 'b error', 3),
      entry('exec-1', 'b', 'WARN', 'b warn', 4),
      entry('exec-2', 'a', 'INFO', 'other execution', 5),
    ]);
    const { uri, size, text, lines } = await fetchLogs({});
    expect(uri).toMatch(/\.ion$/);
    expect(text.split('\n')[0]).toBe('{namespace:"io.osprey.tests",flowId:"test-flow",taskId:"a",executionId:"exec-1",taskRunId:"a-run",attemptNumber:0,timestamp:"2026-01-01T00:00:01.000Z",level:"INFO",message:"a info"}');
    expect(size).toBe(3);
    expect(lines.map((line) => line.message)).toEqual(['a info', 'b error', 'b warn']);
    expect(lines[0]).toEqual({ namespace: 'io.osprey.tests', flowId: 'test-flow', taskId: 'a', executionId: 'exec-1', taskRunId: 'a-run', attemptNumber: 0, timestamp: '2026-01-01T00:00:01.000Z', level: 'INFO', message: 'a info' });
  });

  it('filters by level and by tasks, task after task', async () => {
    expect((await fetchLogs({ level: 'DEBUG' })).size).toBe(4);
    expect((await fetchLogs({ level: 'WARN', tasksId: ['b', 'a'] })).lines.map((line) => line.message)).toEqual(['b error', 'b warn']);
    expect((await fetchLogs({ tasksId: ['b', 'a'] })).lines.map((line) => line.message)).toEqual(['b error', 'b warn', 'a info']);
  });

  it('fetches another execution by id, of the current flow or of namespace and flowId', async () => {
    expect((await fetchLogs({ executionId: 'exec-2' })).lines.map((line) => line.message)).toEqual(['other execution']);
    await repository().logs.append([entry('exec-3', 'x', 'INFO', 'elsewhere', 6, 'other-flow')]);
    expect((await fetchLogs({ executionId: 'exec-3' })).size).toBe(0);
    expect((await fetchLogs({ executionId: 'exec-3', namespace: 'io.osprey.tests', flowId: 'other-flow' })).size).toBe(1);
  });

  it('refuses namespace or flowId without executionId, and one without the other', async () => {
    await expect(fetchLogs({ namespace: 'io.osprey.tests' })).rejects.toThrow("Invalid property 'namespace': `namespace` and `flowId` should only be set when `executionId` is set");
    await expect(fetchLogs({ executionId: 'exec-3', flowId: 'other-flow' })).rejects.toThrow("Invalid property 'namespace': both `namespace` and `flowId` must be set");
  });
});
