import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BROADCAST_QUEUE, EXECUTION_EVENT_QUEUE, WORKER_JOB_QUEUE } from '@osprey/queue';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { openSqliteRepository } from '@osprey/repository/sql';
import { createLogger, loadConfig } from '@osprey/server';
import { OpenedAdapters, PROJECTION } from '@osprey/server/nest';
import { STORAGE } from '@osprey/storage';
import { ExecutorService } from '../executor/executor-service.js';
import { ExecutionEventsConsumer } from '../transport/execution-events-consumer.js';
import { IndexerService } from '../indexer/indexer-service.js';
import { SchedulerService } from '../scheduler/scheduler-service.js';
import { WorkerService } from '../worker/worker-service.js';
import { BroadcastConsumer } from '../transport/broadcast-consumer.js';
import { BROADCAST_PATTERN, EXECUTION_EVENTS_PATTERN, WORKER_JOB_PATTERN } from '../transport/queue-patterns.js';
import { QueueTransport } from '../transport/queue-transport.js';
import { WorkerJobsConsumer } from '../transport/worker-jobs-consumer.js';
import { DeployFlow } from '../flows/deploy-flow.js';
import { createOspreyApp } from './create-osprey-app.js';
import { OspreyAppModule } from './osprey-app.module.js';
import type { ServiceRole } from '../service-role.js';

const silent = createLogger({ service: 'test', instance: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

/** What a service holds in a private field: the instance the module injected. */
function field(service: object, name: string): unknown {
  return (service as Record<string, unknown>)[name];
}

describe('OspreyAppModule on the embedded backend', () => {
  let dir: string;
  let app: INestApplicationContext | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'osprey-app-module-'));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function compose(roles: ServiceRole[]): Promise<INestApplicationContext> {
    const config = loadConfig({ env: {}, overrides: { dataDir: dir } });
    app = await NestFactory.createApplicationContext(OspreyAppModule.forRoot({ config, roles, logger: silent }), { logger: false, abortOnError: false });
    return app;
  }

  it('for roles [worker] resolves the worker with the injected ports and instantiates no executor, scheduler or API', async () => {
    const context = await compose(['worker']);
    const worker = context.get(WorkerService);
    expect(worker).toBeInstanceOf(WorkerService);
    expect(field(worker, 'jobs')).toBe(context.get(WORKER_JOB_QUEUE));
    expect(field(worker, 'events')).toBe(context.get(EXECUTION_EVENT_QUEUE));
    // The transport's consumers lease the jobs and hear the broadcasts (kills).
    const consumer = context.get(WorkerJobsConsumer);
    expect(field(consumer, 'jobs')).toBe(context.get(WORKER_JOB_QUEUE));
    const broadcasts = context.get(BroadcastConsumer);
    expect(field(broadcasts, 'broadcast')).toBe(context.get(BROADCAST_QUEUE));
    expect(field(context.get(QueueTransport), 'consumers')).toEqual([consumer, broadcasts]);
    expect(field(worker, 'repository')).toBe(context.get(REPOSITORY));
    expect(field(worker, 'storage')).toBe(context.get(STORAGE));
    // No module of another role is composed: their services are not providers at all.
    for (const other of [ExecutorService, ExecutionEventsConsumer, SchedulerService, IndexerService, DeployFlow]) expect(() => context.get(other)).toThrow(/Nest could not find/);
  });

  it('for roles [webserver] subscribes to no broadcast: the API only publishes, and no handler would take them', async () => {
    const context = await compose(['webserver']);
    expect(context.get(BroadcastConsumer)).toBeNull();
    expect(field(context.get(QueueTransport), 'consumers')).toEqual([]);
  });

  it('connected as a microservice, delivers each pattern to the handlers of the composed roles', async () => {
    const config = loadConfig({ env: {}, overrides: { dataDir: dir } });
    const http = await createOspreyApp({ config, roles: ['executor', 'worker', 'scheduler', 'webserver'], logger: silent }, { logger: false });
    app = http;
    const transport = http.get(QueueTransport);
    await http.init();
    await http.startAllMicroservices();
    expect([...transport.getHandlers().keys()].sort()).toEqual([BROADCAST_PATTERN, EXECUTION_EVENTS_PATTERN, WORKER_JOB_PATTERN]);
    // Three handlers hear the broadcasts: the executor's, the worker's and the scheduler's, chained on one pattern.
    let handlers = 0;
    for (let handler: { next?: unknown } | undefined = transport.getHandlers().get(BROADCAST_PATTERN); handler; handler = handler.next as typeof handler) handlers++;
    expect(handlers).toBe(3);
  });

  it('starts the services with the application and records the instance, then stops them and closes the backend', async () => {
    const context = await compose(['worker', 'executor']);
    const repository = context.get<Repository>(REPOSITORY);
    await context.init();
    let instances = await repository.instances.list();
    for (let tries = 0; instances.length === 0 && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      instances = await repository.instances.list();
    }
    expect(instances).toEqual([expect.objectContaining({ type: 'STANDALONE', state: 'RUNNING' })]);
    expect(context.get(ExecutorService)).toBeInstanceOf(ExecutorService);
    // SQLite has no projection: the indexer is not composed and the token says there is none.
    expect(context.get(PROJECTION)).toBeNull();
    await context.close();
    app = undefined;
    // The repository was closed by its module, after the lifecycle had recorded the instance STOPPED.
    await expect(repository.instances.list()).rejects.toThrow();
    const reopened = await openSqliteRepository(join(dir, 'osprey.db'));
    try {
      expect(await reopened.instances.list()).toEqual([expect.objectContaining({ type: 'STANDALONE', state: 'STOPPED' })]);
    } finally {
      await reopened.close();
    }
  });

  /** Files of this process open under `folder` (Linux: the links of /proc/self/fd). */
  function openFilesUnder(folder: string): string[] {
    const files: string[] = [];
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        const target = readlinkSync(`/proc/self/fd/${fd}`);
        if (target.startsWith(folder)) files.push(target);
      } catch {
        // closed between the listing and the read
      }
    }
    return files;
  }

  it('closes the queue and the repository it had opened when a later provider fails the creation', async () => {
    const config = loadConfig({ env: {}, overrides: { dataDir: dir } });
    const opened = new OpenedAdapters();
    // A provider that fails once the repository is open, as a service's factory failing on its settings would.
    @Module({ imports: [OspreyAppModule.forRoot({ config, roles: ['worker'], logger: silent, opened })], providers: [{ provide: 'FAILS', useFactory: () => { throw new Error('setting refused'); }, inject: [REPOSITORY] }] })
    class FailingAppModule {}
    await expect(NestFactory.createApplicationContext(FailingAppModule, { logger: false, abortOnError: false })).rejects.toThrow('setting refused');
    // What createOspreyApp does when the creation fails.
    const closeErrors: string[] = [];
    await opened.closeAll((_error, name) => closeErrors.push(name));
    expect(closeErrors).toEqual([]);
    // Nothing of the embedded database is held open any more (without the close, osprey.db and its WAL stay open).
    expect(openFilesUnder(dir)).toEqual([]);
  });
});
