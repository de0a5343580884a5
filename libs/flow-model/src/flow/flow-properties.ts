import { properties, refused, type PropertySpec } from './plugin-definition.js';

/** The properties of a flow itself and of its retry, output, plugin default, concurrency and SLA maps. */
export const FLOW_PROPERTIES = properties({
  id: 'string!',
  namespace: 'string!',
  revision: 'integer',
  description: 'string',
  labels: 'any',
  inputs: 'list',
  variables: 'map',
  tasks: 'list!',
  errors: 'list',
  finally: 'list',
  afterExecution: 'list',
  outputs: 'list',
  triggers: 'list',
  pluginDefaults: 'list',
  taskDefaults: 'list', // Kestra's older name for pluginDefaults
  retry: 'map',
  timeout: 'duration',
  disabled: 'boolean',
  concurrency: 'map',
  deleted: refused('a flow is deleted through the API (DELETE /api/v1/flows/{namespace}/{id}), not by its source'),
  listeners: refused('listeners were removed from Kestra; use a Flow trigger or afterExecution tasks'),
  sla: 'list',
  workerGroup: refused('a flow has no worker group of its own: set workerGroup on its tasks, or on all of them through pluginDefaults'),
  tenantId: refused('Osprey has no tenants'),
});

export const RETRY_PROPERTIES: Record<string, Record<string, PropertySpec>> = {
  constant: properties({ interval: 'duration!' }),
  exponential: properties({ interval: 'duration!', maxInterval: 'duration!', delayFactor: 'number' }),
  random: properties({ minInterval: 'duration!', maxInterval: 'duration!' }),
};
export const COMMON_RETRY_PROPERTIES = properties({
  type: 'string!',
  maxAttempt: 'integer',
  maxDuration: 'duration',
  warningOnRetry: 'boolean',
  behavior: { type: 'string', values: ['RETRY_FAILED_TASK', 'CREATE_NEW_EXECUTION'] },
});
export const OUTPUT_PROPERTIES = properties({
  id: 'string!',
  type: 'string!',
  value: 'any!',
  description: 'string',
  displayName: 'string',
  required: 'boolean',
});
export const PLUGIN_DEFAULT_PROPERTIES = properties({ type: 'string!', forced: 'boolean', values: 'map!' });
export const CONCURRENCY_PROPERTIES = properties({
  limit: 'integer!',
  behavior: { type: 'string', values: ['QUEUE', 'CANCEL', 'FAIL'] },
});

export const SLA_TYPES = ['MAX_DURATION', 'EXECUTION_ASSERTION'] as const;
export const SLA_BEHAVIORS = ['FAIL', 'CANCEL', 'NONE'] as const;
/** The properties every SLA has; its type adds its own (SLA_TYPE_PROPERTIES). */
export const SLA_PROPERTIES = properties({
  id: 'string!',
  type: { type: 'string', required: true, values: SLA_TYPES },
  behavior: { type: 'string', required: true, values: SLA_BEHAVIORS },
  labels: 'any',
});
export const SLA_TYPE_PROPERTIES: Record<(typeof SLA_TYPES)[number], Record<string, PropertySpec>> = {
  MAX_DURATION: properties({ duration: 'duration!' }),
  EXECUTION_ASSERTION: properties({ assert: 'string!' }),
};
