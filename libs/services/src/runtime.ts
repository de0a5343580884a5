import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { RenderOptions } from '@osprey/flow-model';
import { createTaskRegistry, type TaskRegistry } from '@osprey/plugins';
import type { ServiceInstance } from '@osprey/repository';
import { envSecrets, envVariables, newId, openBackend, type Backend, type Logger, type OspreyConfig } from '@osprey/server';
import { TriggerExecution } from './executions/trigger-execution.js';
import { ExecutorService } from './executor/executor-service.js';
import { IndexerService } from './indexer/indexer-service.js';
import { OspreyMetrics } from './metrics.js';
import { SchedulerService } from './scheduler/scheduler-service.js';
import { WorkerService } from './worker/worker-service.js';
import type { ServiceRole } from './service-role.js';

export { SERVICE_ROLES, type ServiceRole } from './service-role.js';

export interface RuntimeOptions {
  config: OspreyConfig;
  roles: ServiceRole[];
  logger: Logger;
  backend?: Backend;
  registry?: TaskRegistry;
  /** Name of the instance in heartbeats and logs. */
  instanceType?: ServiceInstance['type'];
}

/**
 * The services of one process over one backend: what `osprey server local` runs all of, and each
 * `osprey <service>` one of. Plain objects; the NestJS application wraps it for HTTP and lifecycle.
 */
export class OspreyRuntime {
  readonly triggerExecution: TriggerExecution;
  readonly metrics: OspreyMetrics;
  readonly render: RenderOptions;
  executor?: ExecutorService;
  worker?: WorkerService;
  scheduler?: SchedulerService;
  indexer?: IndexerService;
  private heartbeat?: NodeJS.Timeout;
  private started = false;
  private readonly startedAt = new Date().toISOString();

  private constructor(
    readonly backend: Backend,
    readonly options: RuntimeOptions,
    readonly instanceId: string,
  ) {
    const { config, logger, roles } = options;
    this.render = { secret: envSecrets() };
    this.triggerExecution = new TriggerExecution(backend.repository.flows, backend.events);
    if (roles.includes('executor')) {
      this.executor = new ExecutorService(backend.events, backend.store, backend.broadcast, backend.repository, logger.child({ component: 'executor' }), {
        ...config.executor,
        inFlight: backend.executorInFlight,
        flows: backend.executorFlows,
        render: this.render,
        envs: envVariables(),
        defaultCountry: localeCountry(),
        deadAfterMs: config.instance.deadAfterMs,
        onCommitted: (execution) => this.metrics.observeExecution(execution),
      });
    }
    if (roles.includes('worker')) {
      this.worker = new WorkerService(
        backend.jobs,
        backend.events,
        backend.broadcast,
        backend.repository,
        backend.storage,
        // Python and Node.js dependencies of script tasks are installed once per set of packages, next to the worker's data.
        options.registry ?? createTaskRegistry({ scripts: { dependencyCache: resolve(config.dataDir, 'script-dependencies') } }),
        logger.child({ component: 'worker' }),
        { ...config.worker, render: this.render, onJobEnded: (observation) => this.metrics.observeJob(observation) },
      );
    }
    if (roles.includes('scheduler')) {
      this.scheduler = new SchedulerService(backend.repository, backend.broadcast, this.triggerExecution, logger.child({ component: 'scheduler' }), {
        ...config.scheduler,
        defaultCountry: localeCountry(),
      });
    }
    if (roles.includes('indexer') && backend.projection) {
      this.indexer = new IndexerService(backend.projection, logger.child({ component: 'indexer' }), {
        onWritten: (batch) => this.metrics.observeIndexed(batch.executions.length, batch.logs.length),
      });
    } else if (roles.includes('indexer') && roles.length === 1) {
      logger.info('the indexer projects Kafka topics into a search backend; with the SQL backends the repository is written directly, so it has nothing to do');
    }
    this.metrics = new OspreyMetrics(backend, () => this.worker?.activeJobs ?? 0, () => this.indexer?.lag());
  }

  static async open(options: RuntimeOptions): Promise<OspreyRuntime> {
    const instanceId = newId();
    const logger = options.logger.child({ component: 'backend' });
    const backend =
      options.backend ??
      (await openBackend(options.config, {
        instanceId,
        relayWorkerJobs: options.roles.includes('executor'),
        executorFlows: options.roles.includes('executor'),
        // Adapters retry these themselves; operators see them, at most one line per failure.
        onError: (error, context) => logger.warn({ err: error, adapter: context }, 'backend adapter reported an error'),
      }));
    return new OspreyRuntime(backend, options, instanceId);
  }

  get logger(): Logger {
    return this.options.logger;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.executor?.start();
    this.worker?.start();
    this.scheduler?.start();
    // The feed joins its consumer group in the background; until then /health/ready reports the backend only.
    this.indexer?.start().catch((error) => this.options.logger.error({ err: error }, 'indexer failed to start'));
    void this.beat('RUNNING');
    this.heartbeat = setInterval(() => {
      void this.beat('RUNNING');
      if (this.executor) void this.reapDead();
    }, this.options.config.instance.heartbeatMs);
    this.options.logger.info({ roles: this.options.roles, instanceId: this.instanceId }, 'osprey services started');
  }

  /** Graceful stop: the scheduler and executor stop taking work, the worker drains, then the backend closes. */
  async stop(): Promise<void> {
    if (!this.started) {
      await this.backend.close();
      return;
    }
    this.started = false;
    clearInterval(this.heartbeat);
    await this.beat('TERMINATING');
    await this.scheduler?.stop();
    await this.worker?.stop();
    await this.executor?.stop();
    await this.indexer?.stop();
    await this.beat('STOPPED');
    await this.backend.close();
    this.options.logger.info({ instanceId: this.instanceId }, 'osprey services stopped');
  }

  /**
   * Marks instances that stopped heartbeating as DEAD, so operators see them. Their worker jobs need no
   * action here: a lease that is not renewed expires and the job goes to another worker.
   */
  private async reapDead(): Promise<void> {
    try {
      const dead = await this.backend.repository.instances.reapDead(this.options.config.instance.deadAfterMs, new Date());
      for (const instance of dead) {
        this.options.logger.warn({ deadInstance: instance.id, type: instance.type, hostname: instance.hostname, pid: instance.pid, lastHeartbeat: instance.heartbeatAt }, 'instance missed its heartbeats: marked DEAD');
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'checking instance heartbeats failed');
    }
  }

  private async beat(state: ServiceInstance['state']): Promise<void> {
    const roles = this.options.roles;
    const type = this.options.instanceType ?? (roles.length === 1 ? (roles[0]!.toUpperCase() as ServiceInstance['type']) : 'STANDALONE');
    try {
      await this.backend.repository.instances.heartbeat({
        id: this.instanceId,
        type,
        hostname: hostname(),
        pid: process.pid,
        startedAt: this.startedAt,
        heartbeatAt: new Date().toISOString(),
        state,
        // The executor finds the live workers of a group by this (see ExecutorService.workerGroups).
        ...(this.worker && this.options.config.worker.group ? { workerGroup: this.options.config.worker.group } : {}),
      });
    } catch (error) {
      this.options.logger.warn({ err: error }, 'instance heartbeat failed');
    }
  }
}

/** The country of the process locale (LANG, LC_ALL): PublicHoliday conditions that name no country use it, as Kestra uses the JVM's. */
function localeCountry(): string | undefined {
  return new Intl.Locale(Intl.DateTimeFormat().resolvedOptions().locale).maximize().region;
}
