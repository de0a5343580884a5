import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateType } from '@osprey/flow-model';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { testExecution, testState } from '@osprey/repository/testing';
import { latestEndedExecution } from './flow-executions.js';

describe('latestEndedExecution', () => {
  let dir: string;
  let repository: SqliteRepository;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-latest-'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
  });
  afterEach(async () => {
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (id: string, namespace: string, current: StateType, start: string, end?: string) =>
    repository.writeExecution({ ...testExecution(id, { namespace, flowId: 'etl' }), state: testState(current, start, end) });

  it('answers the execution that ended last, not the one started last nor a running one, in the flow namespace only', async () => {
    await write('early-start-late-end', 'sales', 'SUCCESS', '2026-01-01T10:00:00.000Z', '2026-01-01T12:00:00.000Z');
    await write('late-start-early-end', 'sales', 'FAILED', '2026-01-01T11:00:00.000Z', '2026-01-01T11:30:00.000Z');
    await write('running', 'sales', 'RUNNING', '2026-01-01T13:00:00.000Z');
    await write('child-namespace', 'sales.eu', 'SUCCESS', '2026-01-01T14:00:00.000Z', '2026-01-01T15:00:00.000Z');

    expect((await latestEndedExecution(repository.executions, { namespace: 'sales', id: 'etl' }))?.id).toBe('early-start-late-end');
    expect(await latestEndedExecution(repository.executions, { namespace: 'sales', id: 'other' })).toBeUndefined();
  });

  it('answers nothing for a flow whose executions are all still running', async () => {
    await write('running', 'sales', 'RUNNING', '2026-01-01T13:00:00.000Z');
    expect(await latestEndedExecution(repository.executions, { namespace: 'sales', id: 'etl' })).toBeUndefined();
  });
});
