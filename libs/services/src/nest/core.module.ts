import { Module, type DynamicModule } from '@nestjs/common';
import { loadPlugins } from '@osprey/plugins';
import { EXECUTION_EVENT_QUEUE, WORKER_JOB_QUEUE, type ExecutionEventQueue, type WorkerJobQueue } from '@osprey/queue';
import { REPOSITORY, type Repository, type ServiceInstance } from '@osprey/repository';
import { envSecrets, type Logger, type OspreyConfig } from '@osprey/server';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { OspreyMetrics } from '../metrics.js';
import { OpenApiDocument } from '../webserver/openapi.js';
import { InstanceHeartbeat } from './instance-heartbeat.js';
import type { ServiceRole } from '../service-role.js';
import { instanceTypeOf } from './instance-type.js';
import { INSTANCE_ID, LOADED_PLUGINS, OSPREY_CONFIG, OSPREY_LOGGER, OSPREY_ROLES, RENDER_OPTIONS } from './tokens.js';

export interface OspreyCoreOptions {
  config: OspreyConfig;
  roles: ServiceRole[];
  logger: Logger;
  instanceId: string;
  /** Type of the instance in heartbeats; default the role, or STANDALONE for several. */
  instanceType?: ServiceInstance['type'];
}

/**
 * What every service module of a process shares: the configuration, the logger, the roles, the instance id and its
 * heartbeat, the render options, the OpenAPI document, the metrics and the use case that starts executions (API, scheduler, webhooks).
 */
@Module({})
export class OspreyCoreModule {
  static forRoot(options: OspreyCoreOptions): DynamicModule {
    const { config, roles, logger, instanceId } = options;
    return {
      module: OspreyCoreModule,
      global: true,
      providers: [
        { provide: OSPREY_CONFIG, useValue: config },
        { provide: OSPREY_LOGGER, useValue: logger },
        { provide: OSPREY_ROLES, useValue: roles },
        { provide: INSTANCE_ID, useValue: instanceId },
        { provide: RENDER_OPTIONS, useFactory: () => ({ secret: envSecrets() }) },
        {
          // Every role loads them: the worker runs their tasks, the others validate flows with their schemas. A plugin
          // that fails to load fails the start (PluginLoadError names it and why).
          provide: LOADED_PLUGINS,
          useFactory: async () => {
            const plugins = await loadPlugins(config.plugins);
            for (const plugin of plugins) logger.info({ plugin: plugin.name, version: plugin.version, taskTypes: plugin.tasks.map((task) => task.definition.name) }, 'plugin loaded');
            return plugins;
          },
        },
        // Every role checks query strings against it (health and metrics are routes too); the webserver also serves it.
        OpenApiDocument,
        {
          provide: OspreyMetrics,
          useFactory: (events: ExecutionEventQueue, jobs: WorkerJobQueue) => new OspreyMetrics(events, jobs),
          inject: [EXECUTION_EVENT_QUEUE, WORKER_JOB_QUEUE],
        },
        {
          provide: TriggerExecution,
          useFactory: (repository: Repository, events: ExecutionEventQueue) => new TriggerExecution(repository.flows, events),
          inject: [REPOSITORY, EXECUTION_EVENT_QUEUE],
        },
        {
          provide: InstanceHeartbeat,
          useFactory: (repository: Repository) =>
            new InstanceHeartbeat(repository, logger, config, {
              id: instanceId,
              type: options.instanceType ?? instanceTypeOf(roles),
              workerGroup: roles.includes('worker') ? config.worker.group : undefined,
              reapDead: roles.includes('executor'),
            }),
          inject: [REPOSITORY],
        },
      ],
      exports: [OSPREY_CONFIG, OSPREY_LOGGER, OSPREY_ROLES, INSTANCE_ID, RENDER_OPTIONS, LOADED_PLUGINS, OpenApiDocument, OspreyMetrics, TriggerExecution, InstanceHeartbeat],
    };
  }
}
