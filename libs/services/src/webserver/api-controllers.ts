import { ConfigsController } from './configs.controller.js';
import { ExecutionBulkController } from './execution-bulk.controller.js';
import { ExecutionsController } from './executions.controller.js';
import { FlowsController } from './flows.controller.js';
import { KvController } from './kv.controller.js';
import { KvSearchController } from './kv-search.controller.js';
import { LogsController } from './logs.controller.js';
import { MetricsController } from './metrics.controller.js';
import { NamespacesController } from './namespaces.controller.js';
import { OpenApiController } from './openapi.controller.js';
import { PluginsController } from './plugins.controller.js';
import { StatsController } from './stats.controller.js';
import { TaskRunsController } from './task-runs.controller.js';
import { TriggersController } from './triggers.controller.js';

/** The REST API's controllers, served by the webserver role. Add new ones here. */
export const API_CONTROLLERS = [
  FlowsController,
  // Before ExecutionsController: its static paths (`kill/by-ids`) must not be read as execution ids.
  ExecutionBulkController,
  ExecutionsController,
  LogsController,
  TaskRunsController,
  TriggersController,
  StatsController,
  MetricsController,
  NamespacesController,
  KvController,
  KvSearchController,
  ConfigsController,
  OpenApiController,
  PluginsController,
];
