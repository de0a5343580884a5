import { COMMON_INPUT_PROPERTIES, INPUT_TYPE_PROPERTIES, INPUT_TYPES } from './input-types.js';
import type { PropertySpec } from './plugin-definition.js';
import { COMMON_RETRY_PROPERTIES, CONCURRENCY_PROPERTIES, FLOW_PROPERTIES, OUTPUT_PROPERTIES, RETRY_PROPERTIES, SLA_PROPERTIES, SLA_TYPE_PROPERTIES } from './flow-properties.js';
import { COMMON_TASK_PROPERTIES, TASK_TYPES } from './task-types.js';
import { COMMON_TRIGGER_PROPERTIES, TRIGGER_TYPES } from './trigger-types.js';
import { WORKER_GROUP_PROPERTIES } from './worker-group.js';

/**
 * Where a property sits: `flow`, `retry`, `concurrency`, `sla`, `output`, `task`, `workerGroup` (a task's), `trigger` and
 * `input` for the properties every one of them has; `task <type>`, `trigger <type>`, `input <TYPE>`, `retry <type>`,
 * `sla <TYPE>` for a kind's own.
 */
export interface PropertyScope {
  scope: string;
  properties: Readonly<Record<string, PropertySpec>>;
}

/** Every property Osprey knows in a flow, refused ones included: the source of the docs' property table. */
export function propertyCatalog(): PropertyScope[] {
  return [
    { scope: 'flow', properties: FLOW_PROPERTIES.properties },
    { scope: 'retry', properties: COMMON_RETRY_PROPERTIES.properties },
    ...Object.entries(RETRY_PROPERTIES).map(([type, declared]) => ({ scope: `retry ${type}`, properties: declared.properties })),
    { scope: 'concurrency', properties: CONCURRENCY_PROPERTIES.properties },
    { scope: 'sla', properties: SLA_PROPERTIES.properties },
    ...Object.entries(SLA_TYPE_PROPERTIES).map(([type, declared]) => ({ scope: `sla ${type}`, properties: declared.properties })),
    { scope: 'output', properties: OUTPUT_PROPERTIES.properties },
    { scope: 'input', properties: COMMON_INPUT_PROPERTIES.properties },
    ...INPUT_TYPES.map((type) => ({ scope: `input ${type}`, properties: INPUT_TYPE_PROPERTIES[type].properties })),
    { scope: 'task', properties: COMMON_TASK_PROPERTIES },
    { scope: 'workerGroup', properties: WORKER_GROUP_PROPERTIES.properties },
    ...TASK_TYPES.map((type) => ({ scope: `task ${type.name}`, properties: type.properties })),
    { scope: 'trigger', properties: COMMON_TRIGGER_PROPERTIES },
    ...TRIGGER_TYPES.map((type) => ({ scope: `trigger ${type.name}`, properties: type.properties })),
  ].filter((entry) => Object.keys(entry.properties).length > 0);
}
