import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openSqliteQueue, type SqliteQueue } from '@osprey/queue/sql';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { createLogger } from '@osprey/server';
import { DisabledTriggers } from './disabled-triggers.js';

const silent = createLogger({ service: 'test', instance: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('DisabledTriggers on the embedded backend', () => {
  let dir: string;
  let repository: SqliteRepository;
  let queue: SqliteQueue;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-disabled-'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
    queue = await openSqliteQueue(join(dir, 'osprey.db'));
  });

  afterEach(async () => {
    await queue.close();
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows the triggers disabled through the API and follows their changes', async () => {
    const key = { namespace: 'company.team', flowId: 'downstream', triggerId: 'on-upstream' };
    await repository.triggers.save({ ...key, disabled: true, updated: new Date().toISOString() });
    const disabled = new DisabledTriggers(repository.triggers, silent);
    expect((await disabled.current())(key.namespace, key.flowId, key.triggerId)).toBe(true);
    expect((await disabled.current())(key.namespace, key.flowId, 'other')).toBe(false);
    await repository.triggers.save({ ...key, disabled: false, updated: new Date().toISOString() });
    // Still the set read first: nothing said the trigger changed.
    expect((await disabled.current())(key.namespace, key.flowId, key.triggerId)).toBe(true);
    await disabled.onBroadcast({ type: 'triggerChanged', ...key });
    expect((await disabled.current())(key.namespace, key.flowId, key.triggerId)).toBe(false);
  }, 30_000);
});
