// Public surface of flow parsing and validation. The domain types live in ./flow.ts, exported by the lib's index.
export { parseFlow, validateFlowValue, toFlow, type ParseFlowOptions } from './parse-flow.js';
export { FlowValidationError, type Violation } from './violation.js';
export { parseDuration, isDuration, DurationParseError } from './duration.js';
export { formatPath, type FlowPath, type PathSegment } from './flow-path.js';
export { acceptedProperties, type PluginDefinition, type PropertySpec, type PropertyType } from './plugin-definition.js';
export { TASK_TYPES, COMMON_TASK_PROPERTIES, PROCESS_TASK_RUNNER, resolveTaskType, type TaskTypeDefinition } from './task-types.js';
export { TRIGGER_TYPES, COMMON_TRIGGER_PROPERTIES, resolveTriggerType, type TriggerTypeDefinition } from './trigger-types.js';
export { CONDITION_TYPES, resolveConditionType, isScheduleConditionType, type ConditionTypeDefinition } from './condition-types.js';
export { childTaskLists, allTasks, type ChildTaskList } from './task-tree.js';
export { INPUT_TYPES, isInputType } from './input-types.js';
export { coerceInputValue, InputValueError } from './input-value.js';
export { resolveInputs, InputValidationError, type InputViolation, type ResolveInputsOptions } from './resolve-inputs.js';
export { applyPluginDefaults } from './plugin-defaults.js';
export { isTemplate } from './template-text.js';
export { cronProblem } from './validate-flow.js';
export { flowJsonSchema, propertySchema, FLOW_JSON_SCHEMA_ID, type JsonSchema } from './flow-json-schema.js';
export { propertyCatalog, type PropertyScope } from './property-catalog.js';
export { WORKER_GROUP_KEY, workerGroupOf, type WorkerGroup, type WorkerGroupFallback } from './worker-group.js';
