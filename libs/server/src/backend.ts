import { mkdirSync } from 'node:fs';
import type { BroadcastQueue, ExecutionEventQueue, ExecutorStore, WorkerJobQueue } from '@osprey/queue';
import { openSqliteQueue } from '@osprey/queue';
import type { Repository } from '@osprey/repository';
import { openSqliteRepository } from '@osprey/repository';
import type { Storage } from '@osprey/storage';
import { openLocalStorage } from '@osprey/storage';
import { dataPath, type OspreyConfig } from './config.js';

/** The four ports, opened on the adapters the configuration names. */
export interface Backend {
  events: ExecutionEventQueue;
  jobs: WorkerJobQueue;
  broadcast: BroadcastQueue;
  store: ExecutorStore;
  repository: Repository;
  storage: Storage;
  /** True once every adapter answered a round trip. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openBackend(config: OspreyConfig): Promise<Backend> {
  mkdirSync(config.dataDir, { recursive: true });
  const repository = await openSqliteRepository(dataPath(config, config.repository.path));
  const queue = await openSqliteQueue(dataPath(config, config.queue.path));
  const storage = openLocalStorage(dataPath(config, config.storage.basePath));
  return {
    events: queue.events,
    jobs: queue.jobs,
    broadcast: queue.broadcast,
    store: queue.store,
    repository,
    storage,
    async ready() {
      try {
        await queue.events.depth();
        await repository.instances.list();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await queue.close();
      await repository.close();
      await storage.close();
    },
  };
}
