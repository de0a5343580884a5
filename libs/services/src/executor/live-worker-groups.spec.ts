import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlow } from '@osprey/flow-model';
import type { ServiceInstance } from '@osprey/repository';
import { openSqliteRepository, type SqliteRepository } from '@osprey/repository/sql';
import { LiveWorkerGroups } from './live-worker-groups.js';

const grouped = parseFlow(`id: g\nnamespace: io.osprey.tests\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    workerGroup:\n      key: gpu\n`);
const plain = parseFlow(`id: p\nnamespace: io.osprey.tests\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`);

function instance(id: string, workerGroup: string | undefined, heartbeatAt: Date, state: ServiceInstance['state'] = 'RUNNING'): ServiceInstance {
  return { id, type: 'WORKER', hostname: 'h', pid: 1, startedAt: heartbeatAt.toISOString(), heartbeatAt: heartbeatAt.toISOString(), state, ...(workerGroup ? { workerGroup } : {}) };
}

describe('LiveWorkerGroups', () => {
  let dir: string;
  let repository: SqliteRepository;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-groups-'));
    repository = await openSqliteRepository(join(dir, 'osprey.db'));
  });

  afterEach(async () => {
    await repository.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the groups of RUNNING instances that beat within deadAfterMs, for flows that use groups only', async () => {
    const now = Date.now();
    await repository.instances.heartbeat(instance('a', 'gpu', new Date(now)));
    await repository.instances.heartbeat(instance('b', 'eu', new Date(now - 60_000)));
    await repository.instances.heartbeat(instance('c', 'stopped', new Date(now), 'STOPPED'));
    await repository.instances.heartbeat(instance('d', undefined, new Date(now)));
    const groups = new LiveWorkerGroups(repository.instances, 30_000);
    expect(await groups.forFlow(grouped)).toEqual({ live: new Set(['gpu']) });
    expect(await groups.forFlow(plain)).toBeUndefined();
  });
});
