import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { newState, parseFlow, type Task } from '@osprey/flow-model';
import { TriggerToggleTask } from '@osprey/plugins';
import { openSqliteQueue, type SqliteQueue } from '@osprey/queue/sql';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { createLogger } from '@osprey/server';
import { openLocalStorage, type Storage } from '@osprey/storage';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { SchedulerService } from '../scheduler/scheduler-service.js';
import { TriggerCommands } from '../triggers/trigger-commands.js';
import { WorkerRunContext } from './worker-run-context.js';

const silent = createLogger({ service: 'test', instance: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('trigger.Toggle on a worker (embedded backend)', () => {
  let dir: string;
  let repository: SqliteRepository;
  let queue: SqliteQueue;
  let storage: Storage;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-toggle-'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
    queue = await openSqliteQueue(join(dir, 'osprey.db'));
    storage = openLocalStorage(join(dir, 'storage'));
    const source = 'id: scheduled\nnamespace: io.osprey.tests\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: tick\ntriggers:\n  - id: hourly\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 * * * *"\n';
    await repository.flows.save(parseFlow(source), source);
  });

  afterEach(async () => {
    await queue.close();
    await repository.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a Toggle task of flow `io.osprey.tests.toggler`, as a worker runs it, with the API's trigger commands at `now`. */
  async function toggle(properties: Record<string, unknown>, now: string): Promise<void> {
    const task = { id: 'toggle', type: 'io.kestra.plugin.core.trigger.Toggle', ...properties } as Task;
    const ctx = new WorkerRunContext({
      task,
      taskRun: { id: 'tr', executionId: 'e1', namespace: 'io.osprey.tests', flowId: 'toggler', taskId: 'toggle', attempts: [], state: newState(new Date(now)) },
      attempt: 1,
      executionId: 'e1',
      namespace: 'io.osprey.tests',
      flowId: 'toggler',
      variables: { flow: { id: 'toggler', namespace: 'io.osprey.tests' } },
      render: {},
      log: () => undefined,
      storage,
      repository,
      triggers: new TriggerCommands(repository, queue.broadcast, () => new Date(now)),
      signal: new AbortController().signal,
    });
    await new TriggerToggleTask().run(ctx);
  }

  async function fired(): Promise<string[]> {
    const claimed = await queue.events.claim('probe', 10_000, 1);
    await queue.events.release('probe', [...new Set(claimed.map((c) => c.executionId))]);
    return claimed.map((c) => c.execution?.scheduleDate ?? '?').sort();
  }

  it('disables a trigger of another flow so the scheduler stops firing it, and enables it again from now on', async () => {
    const changes: unknown[] = [];
    const unsubscribe = queue.broadcast.subscribe((message) => void changes.push(message));
    const scheduler = new SchedulerService(repository, new TriggerExecution(repository.flows, queue.events), silent, { tickMs: 1000, leaseMs: 30_000 });
    await scheduler.tick(new Date('2026-03-02T10:30:00Z'));

    await toggle({ flowId: 'scheduled', trigger: 'hourly' }, '2026-03-02T10:40:00Z');
    expect((await repository.triggers.get('io.osprey.tests', 'scheduled', 'hourly'))?.disabled).toBe(true);
    await scheduler.tick(new Date('2026-03-02T13:30:00Z'));
    expect(await fired()).toEqual([]);

    await toggle({ namespace: 'io.osprey.tests', flowId: 'scheduled', trigger: 'hourly', enabled: true }, '2026-03-02T13:40:00Z');
    expect((await repository.triggers.get('io.osprey.tests', 'scheduled', 'hourly'))?.disabled).toBe(false);
    await scheduler.tick(new Date('2026-03-02T14:00:01Z'));
    expect(await fired()).toEqual(['2026-03-02T14:00:00.000Z']);
    await waitFor(() => changes.filter((m) => (m as { type: string }).type === 'triggerChanged').length >= 2);
    unsubscribe();
  });

  it('fails naming the flow or trigger that does not exist; the current flow by default', async () => {
    await expect(toggle({ trigger: 'hourly' }, '2026-03-02T10:40:00Z')).rejects.toThrow('flow io.osprey.tests.toggler not found');
    await expect(toggle({ flowId: 'scheduled', trigger: 'nightly' }, '2026-03-02T10:40:00Z')).rejects.toThrow('trigger io.osprey.tests.scheduled.nightly not found');
    expect(await repository.triggers.get('io.osprey.tests', 'scheduled', 'nightly')).toBeNull();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
