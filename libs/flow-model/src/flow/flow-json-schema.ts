import { CONDITION_TYPES } from './condition-types.js';
import { COMMON_INPUT_PROPERTIES, INPUT_TYPE_PROPERTIES, INPUT_TYPES } from './input-types.js';
import { acceptedProperties, type PluginDefinition, type PropertySpec } from './plugin-definition.js';
import { COMMON_TASK_PROPERTIES, TASK_TYPES } from './task-types.js';
import { WORKER_GROUP_KEY, WORKER_GROUP_PROPERTIES } from './worker-group.js';
import { COMMON_TRIGGER_PROPERTIES, TRIGGER_TYPES } from './trigger-types.js';

/** A JSON Schema (draft-07) document or sub-schema. */
export type JsonSchema = { [keyword: string]: unknown };

export const FLOW_JSON_SCHEMA_ID = 'https://osprey.dev/schemas/flow.json';

// Kestra's id patterns (the same as validate-flow's).
const FLOW_ID = '^[a-zA-Z0-9][a-zA-Z0-9._-]*$';
const TASK_ID = '^[a-zA-Z0-9][a-zA-Z0-9_-]*$';
const NAMESPACE = '^[a-z0-9][a-z0-9._-]*$';

const DESCRIPTIONS: Record<string, string> = {
  id: 'Identifier, unique in its scope.',
  namespace: 'Namespace of the flow, e.g. company.team.',
  description: 'Free text; Markdown in the UI.',
  labels: 'Labels as a map (key: value) or a list of {key, value}; copied to every execution.',
  inputs: 'Inputs an execution is started with.',
  variables: 'Constant values, read as {{ vars.name }}.',
  tasks: 'Tasks run one after the other.',
  errors: 'Tasks run when a task of this scope fails.',
  finally: 'Tasks run at the end of this scope, whatever its state.',
  afterExecution: 'Tasks run once the execution has ended.',
  outputs: 'Flow outputs: values computed when the execution ends.',
  triggers: 'Triggers that start executions (Schedule, Flow, Webhook).',
  pluginDefaults: 'Default property values for tasks and triggers of a type.',
  taskDefaults: 'Older name of pluginDefaults.',
  retry: 'Retry policy: type constant, exponential or random, with maxAttempt or maxDuration.',
  timeout: 'Longest run time, as an ISO-8601 duration (PT30S, PT5M).',
  disabled: 'A disabled flow or task does not run.',
  concurrency: 'Limit of concurrent executions of this flow: {limit, behavior: QUEUE | CANCEL | FAIL}.',
  sla: 'Service levels: MAX_DURATION (duration) or EXECUTION_ASSERTION (assert); a violation adds labels and FAIL, CANCEL or NONE.',
  type: 'The plugin type, e.g. io.kestra.plugin.core.log.Log.',
  runIf: 'Expression; the task runs only when it is true.',
  allowFailure: 'A failure of this task does not fail the execution (WARNING instead).',
  allowWarning: 'A WARNING of this task counts as SUCCESS.',
  logLevel: 'Lowest level of the logs kept.',
  workerGroup: 'Only workers started with --worker-group <key> run this task: {key, fallback: WAIT | FAIL}.',
  fallback: 'What happens when no worker of the group is alive at dispatch: WAIT (default) or FAIL.',
  conditions: 'Conditions that must all be true for the trigger to fire.',
  cron: 'Cron expression (5 fields, 6 with withSeconds) or a nickname such as @daily.',
  message: 'The message to log: a string or a list of strings.',
  format: 'A text, usually an expression: its rendered value is the output `value`.',
};

const TYPE_DESCRIPTIONS: Record<PropertySpec['type'], string> = {
  string: 'Text (expressions allowed).',
  number: 'A number (or an expression).',
  integer: 'An integer (or an expression).',
  boolean: 'true or false (or an expression).',
  duration: 'ISO-8601 duration, e.g. PT30S, PT5M, PT1H, P1D.',
  map: 'A map of keys to values.',
  list: 'A list.',
  stringOrList: 'A string or a list of strings.',
  tasks: 'A list of tasks.',
  taskCases: 'A map from a value to the list of tasks run for it.',
  dagTasks: 'A list of {task, dependsOn: [task ids]}.',
  conditions: 'A list of conditions.',
  conditionMap: 'A map of named conditions.',
  inputs: 'A list of input declarations.',
  any: 'Any value.',
};

/** `{{ ... }}` or `{% ... %}`: a value only known at run time, accepted wherever a typed value is. */
const EXPRESSION: JsonSchema = { type: 'string', pattern: '\\{\\{|\\{%' };

/** One property's schema; scalars also accept their text form and expressions, as the validator does. */
export function propertySchema(name: string, spec: PropertySpec): JsonSchema {
  const description = DESCRIPTIONS[name] ?? TYPE_DESCRIPTIONS[spec.type];
  const withDescription = (schema: JsonSchema): JsonSchema => ({ ...schema, description });
  switch (spec.type) {
    case 'string':
      if (spec.values) {
        const accepted = spec.values.filter((value) => !spec.refusedValues?.[value]);
        return withDescription({ anyOf: [{ type: 'string', enum: accepted }, EXPRESSION] });
      }
      return withDescription({ type: ['string', 'number', 'boolean'] });
    case 'number':
      return withDescription({ type: ['number', 'string'] });
    case 'integer':
      return withDescription({ type: ['integer', 'string'] });
    case 'boolean':
      return withDescription({ type: ['boolean', 'string'] });
    case 'duration':
      return withDescription({ type: 'string', examples: ['PT30S', 'PT5M', 'PT1H', 'P1D'] });
    case 'map':
      if (name === 'workerGroup') {
        const properties = propertiesSchema(WORKER_GROUP_PROPERTIES);
        return withDescription({ type: 'object', required: ['key'], properties: { ...properties, key: { type: 'string', pattern: WORKER_GROUP_KEY.source } }, additionalProperties: false });
      }
      return withDescription({ type: ['object', 'string'] });
    case 'list':
      return withDescription({ type: ['array', 'string'] });
    case 'stringOrList':
      return withDescription({ anyOf: [{ type: ['string', 'number', 'boolean'] }, { type: 'array' }] });
    case 'tasks':
      return withDescription({ type: 'array', items: { $ref: '#/definitions/task' }, ...(spec.required ? { minItems: 1 } : {}) });
    case 'taskCases':
      return withDescription({ type: 'object', additionalProperties: { type: 'array', items: { $ref: '#/definitions/task' } } });
    case 'dagTasks':
      return withDescription({ type: 'array', items: { $ref: '#/definitions/dagTask' } });
    case 'conditions':
      return withDescription({ type: ['array', 'string'], items: { $ref: '#/definitions/condition' } });
    case 'conditionMap':
      return withDescription({ type: 'object', additionalProperties: { $ref: '#/definitions/condition' } });
    case 'inputs':
      return withDescription({ type: 'array', items: { $ref: '#/definitions/input' } });
    case 'any':
      return withDescription({});
  }
}

function propertiesSchema(props: Readonly<Record<string, PropertySpec>>): Record<string, JsonSchema> {
  const result: Record<string, JsonSchema> = {};
  // Refused properties are left out, so the editor flags them as the validator does.
  for (const [name, spec] of Object.entries(acceptedProperties(props))) result[name] = propertySchema(name, spec);
  return result;
}

/**
 * The schema of one plugin type: its `type` names (canonical name and aliases) as the discriminating enum,
 * its properties and the common ones, nothing else (Osprey rejects unknown properties).
 */
function pluginSchema(definition: PluginDefinition, common: Readonly<Record<string, PropertySpec>>, idPattern?: string): JsonSchema {
  const props = { ...propertiesSchema(common), ...propertiesSchema(definition.properties) };
  // Legacy names validate but are not offered: completion lists the canonical io.kestra.plugin.* names only.
  props.type = definition.aliases.length
    ? { type: 'string', description: DESCRIPTIONS.type, anyOf: [{ enum: [definition.name] }, { pattern: `^(${definition.aliases.map(escapeRegExp).join('|')})$` }] }
    : { type: 'string', description: DESCRIPTIONS.type, enum: [definition.name] };
  if (idPattern && props.id) props.id = { ...props.id, type: 'string', pattern: idPattern };
  const required = [...new Set([...Object.entries(common).filter(([, s]) => s.required).map(([n]) => n), ...definition.required])];
  return {
    type: 'object',
    title: definition.name.split('.').pop(),
    description: `${definition.name}${definition.deprecated ? ' (deprecated)' : ''}`,
    ...(definition.deprecated ? { deprecationMessage: `${definition.name} is deprecated` } : {}),
    properties: props,
    required,
    additionalProperties: false,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Definition names are the canonical type names; `#/definitions/<name>`. */
function byType(definitions: readonly PluginDefinition[], common: Readonly<Record<string, PropertySpec>>, idPattern?: string): Record<string, JsonSchema> {
  const result: Record<string, JsonSchema> = {};
  for (const definition of definitions) result[definition.name] = pluginSchema(definition, common, idPattern);
  return result;
}

function inputSchemas(): Record<string, JsonSchema> {
  const result: Record<string, JsonSchema> = {};
  for (const type of INPUT_TYPES) {
    const props = { ...propertiesSchema(COMMON_INPUT_PROPERTIES), ...propertiesSchema(INPUT_TYPE_PROPERTIES[type]) };
    props.type = { type: 'string', enum: [type], description: 'The input type.' };
    result[`input.${type}`] = {
      type: 'object',
      title: `${type} input`,
      properties: props,
      required: ['type'],
      additionalProperties: false,
    };
  }
  return result;
}

const LABELS: JsonSchema = {
  anyOf: [
    { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    { type: 'array', items: { type: 'object', required: ['key', 'value'], properties: { key: { type: 'string' }, value: { type: ['string', 'number', 'boolean'] } } } },
  ],
};

/** One SLA type: the common properties plus the one its type requires. */
function slaOfType(type: string, property: string, schema: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['id', 'type', 'behavior', property],
    properties: {
      id: { type: 'string' },
      type: { type: 'string', enum: [type] },
      behavior: { type: 'string', enum: ['FAIL', 'CANCEL', 'NONE'], description: 'What a violation does besides adding labels: FAIL or CANCEL the execution, or NONE.' },
      labels: { description: 'Labels added to the execution when the SLA is violated.', ...LABELS },
      [property]: schema,
    },
    additionalProperties: false,
  };
}

function anyOfRefs(names: readonly string[]): JsonSchema {
  // oneOf: exactly one definition matches a given `type`, so each branch is told apart by its enum.
  return { oneOf: names.map((name) => ({ $ref: `#/definitions/${name}` })) };
}

/**
 * A JSON Schema (draft-07) of a flow document, built from the task, trigger, condition and input type
 * registries that the validator uses. Each task, trigger, condition or input is a `oneOf` of its types,
 * told apart by `type`, so an editor (monaco-yaml) completes the properties of the chosen type.
 * Values that the validator accepts as expressions (`{{ ... }}`) are accepted here too, so the schema
 * flags no valid flow; the API's validation (`POST /api/v1/flows/validate`) remains the full check.
 */
export function flowJsonSchema(): JsonSchema {
  const tasks = byType(TASK_TYPES, COMMON_TASK_PROPERTIES, TASK_ID);
  const triggers = byType(TRIGGER_TYPES, COMMON_TRIGGER_PROPERTIES, TASK_ID);
  const conditions = byType(CONDITION_TYPES, {});
  const inputs = inputSchemas();
  const tasksOf = (description: string, minItems?: number): JsonSchema => ({
    type: 'array',
    description,
    items: { $ref: '#/definitions/task' },
    ...(minItems ? { minItems } : {}),
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: FLOW_JSON_SCHEMA_ID,
    title: 'Flow',
    description: 'A Kestra flow, as Osprey runs it.',
    type: 'object',
    required: ['id', 'namespace', 'tasks'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', pattern: FLOW_ID, description: 'Flow id, unique in its namespace.' },
      namespace: { type: 'string', pattern: NAMESPACE, description: DESCRIPTIONS.namespace },
      revision: { type: 'integer', description: 'Set by the server; ignored when sent.' },
      description: { type: 'string', description: DESCRIPTIONS.description },
      labels: { description: DESCRIPTIONS.labels, ...LABELS },
      inputs: { type: 'array', description: DESCRIPTIONS.inputs, items: { $ref: '#/definitions/input' } },
      variables: { type: 'object', description: DESCRIPTIONS.variables },
      tasks: tasksOf(DESCRIPTIONS.tasks, 1),
      errors: tasksOf(DESCRIPTIONS.errors),
      finally: tasksOf(DESCRIPTIONS.finally),
      afterExecution: tasksOf(DESCRIPTIONS.afterExecution),
      outputs: {
        type: 'array',
        description: DESCRIPTIONS.outputs,
        items: {
          type: 'object',
          required: ['id', 'type', 'value'],
          properties: {
            id: { type: 'string' },
            type: { type: 'string', enum: [...INPUT_TYPES] },
            value: {},
            description: { type: 'string' },
            displayName: { type: 'string' },
            required: { type: ['boolean', 'string'] },
          },
          additionalProperties: false,
        },
      },
      triggers: { type: 'array', description: DESCRIPTIONS.triggers, items: { $ref: '#/definitions/trigger' } },
      pluginDefaults: { type: 'array', description: DESCRIPTIONS.pluginDefaults, items: { $ref: '#/definitions/pluginDefault' } },
      taskDefaults: { type: 'array', description: DESCRIPTIONS.taskDefaults, items: { $ref: '#/definitions/pluginDefault' } },
      retry: { $ref: '#/definitions/retry' },
      timeout: { type: 'string', description: DESCRIPTIONS.timeout },
      disabled: { type: ['boolean', 'string'], description: DESCRIPTIONS.disabled },
      concurrency: {
        type: 'object',
        description: DESCRIPTIONS.concurrency,
        required: ['limit'],
        properties: { limit: { type: ['integer', 'string'] }, behavior: { type: 'string', enum: ['QUEUE', 'CANCEL', 'FAIL'] } },
        additionalProperties: false,
      },
      sla: { type: 'array', description: DESCRIPTIONS.sla, items: { $ref: '#/definitions/sla' } },
    },
    definitions: {
      task: anyOfRefs(Object.keys(tasks)),
      trigger: anyOfRefs(Object.keys(triggers)),
      condition: anyOfRefs(Object.keys(conditions)),
      input: anyOfRefs(Object.keys(inputs)),
      dagTask: {
        type: 'object',
        required: ['task'],
        properties: { task: { $ref: '#/definitions/task' }, dependsOn: { type: 'array', items: { type: 'string' }, description: 'Ids of the tasks of this Dag that must end first.' } },
        additionalProperties: false,
      },
      pluginDefault: {
        type: 'object',
        required: ['type', 'values'],
        properties: {
          type: { type: 'string', description: 'A type name, or a prefix such as io.kestra.plugin.core.' },
          forced: { type: ['boolean', 'string'] },
          values: { type: 'object' },
        },
        additionalProperties: false,
      },
      sla: {
        anyOf: [
          slaOfType('MAX_DURATION', 'duration', { type: 'string', description: 'Longest time from the execution\'s creation, e.g. PT1H.' }),
          slaOfType('EXECUTION_ASSERTION', 'assert', { type: 'string', description: 'Expression that must be true each time the running execution changes.' }),
        ],
      },
      retry: {
        type: 'object',
        description: DESCRIPTIONS.retry,
        required: ['type'],
        properties: {
          type: { type: 'string', enum: ['constant', 'exponential', 'random'] },
          maxAttempt: { type: ['integer', 'string'] },
          maxDuration: { type: 'string' },
          warningOnRetry: { type: ['boolean', 'string'] },
          behavior: { type: 'string', enum: ['RETRY_FAILED_TASK'] },
          interval: { type: 'string' },
          maxInterval: { type: 'string' },
          minInterval: { type: 'string' },
          delayFactor: { type: ['number', 'string'] },
        },
        additionalProperties: false,
      },
      ...tasks,
      ...triggers,
      ...conditions,
      ...inputs,
    },
  };
}
