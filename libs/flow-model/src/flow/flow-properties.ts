import { declaredProperties } from './plugin-definition.js';
import { prop } from './property-schema.js';

/** The properties of a flow itself; its lists of tasks, inputs, outputs, triggers... are checked item by item. */
export const FLOW_PROPERTIES = declaredProperties(
  {
    id: prop.string(),
    namespace: prop.string(),
    revision: prop.integer().optional(),
    description: prop.string().optional(),
    labels: prop.any().optional(),
    inputs: prop.list().optional(),
    variables: prop.map().optional(),
    tasks: prop.list(),
    errors: prop.list().optional(),
    finally: prop.list().optional(),
    afterExecution: prop.list().optional(),
    outputs: prop.list().optional(),
    triggers: prop.list().optional(),
    pluginDefaults: prop.list().optional(),
    taskDefaults: prop.list().describe("Kestra's older name for pluginDefaults.").optional(),
    retry: prop.map().optional(),
    timeout: prop.duration().optional(),
    disabled: prop.boolean({ expressions: false }).optional(),
    concurrency: prop.map().optional(),
    sla: prop.list().optional(),
  },
  {
    deleted: 'a flow is deleted through the API (DELETE /api/v1/flows/{namespace}/{id}), not by its source',
    listeners: 'listeners were removed from Kestra; use a Flow trigger or afterExecution tasks',
    workerGroup: 'a flow has no worker group of its own: set workerGroup on its tasks, or on all of them through pluginDefaults',
    tenantId: 'Osprey has no tenants',
  },
);

/** What each retry type adds to the common retry properties. */
export const RETRY_PROPERTIES = {
  constant: declaredProperties({ interval: prop.duration() }),
  exponential: declaredProperties({ interval: prop.duration(), maxInterval: prop.duration(), delayFactor: prop.number().optional() }),
  random: declaredProperties({ minInterval: prop.duration(), maxInterval: prop.duration() }),
};
export const COMMON_RETRY_PROPERTIES = declaredProperties({
  type: prop.string(),
  maxAttempt: prop.integer().optional(),
  maxDuration: prop.duration().optional(),
  warningOnRetry: prop.boolean({ expressions: false }).optional(),
  behavior: prop.enumOf(['RETRY_FAILED_TASK', 'CREATE_NEW_EXECUTION']).optional(),
});
export const OUTPUT_PROPERTIES = declaredProperties({
  id: prop.string(),
  type: prop.string(),
  value: prop.any(),
  description: prop.string().optional(),
  displayName: prop.string().optional(),
  required: prop.boolean({ expressions: false }).optional(),
});
export const PLUGIN_DEFAULT_PROPERTIES = declaredProperties({ type: prop.string(), forced: prop.boolean({ expressions: false }).optional(), values: prop.map() });
export const CONCURRENCY_PROPERTIES = declaredProperties({
  limit: prop.integer(),
  behavior: prop.enumOf(['QUEUE', 'CANCEL', 'FAIL']).optional(),
});

export const SLA_TYPES = ['MAX_DURATION', 'EXECUTION_ASSERTION'] as const;
export const SLA_BEHAVIORS = ['FAIL', 'CANCEL', 'NONE'] as const;
/** The properties every SLA has; its type adds its own (SLA_TYPE_PROPERTIES). */
export const SLA_PROPERTIES = declaredProperties({
  id: prop.string(),
  type: prop.enumOf(SLA_TYPES),
  behavior: prop.enumOf(SLA_BEHAVIORS),
  labels: prop.any().optional(),
});
export const SLA_TYPE_PROPERTIES = {
  MAX_DURATION: declaredProperties({ duration: prop.duration() }),
  EXECUTION_ASSERTION: declaredProperties({ assert: prop.string() }),
};
