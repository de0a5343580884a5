import { z } from 'zod';
import { CONDITION_TYPES } from './condition-types.js';
import {
  COMMON_RETRY_PROPERTIES,
  CONCURRENCY_PROPERTIES,
  OUTPUT_PROPERTIES,
  PLUGIN_DEFAULT_PROPERTIES,
  RETRY_PROPERTIES,
  SLA_PROPERTIES,
  SLA_TYPE_PROPERTIES,
  SLA_TYPES,
} from './flow-properties.js';
import { COMMON_INPUT_PROPERTIES, INPUT_TYPE_PROPERTIES, INPUT_TYPES } from './input-types.js';
import type { PluginDefinition } from './plugin-definition.js';
import { acceptedEnumValues, schemaReference } from './property-schema.js';
import { COMMON_TASK_SHAPE, taskTypes } from './task-types.js';
import { COMMON_TRIGGER_SHAPE, TRIGGER_TYPES } from './trigger-types.js';
import { WORKER_GROUP_KEY, WORKER_GROUP_PROPERTIES } from './worker-group.js';

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

/** `{{ ... }}` or `{% ... %}`: a value only known at run time, accepted wherever a typed value is. */
const EXPRESSION: JsonSchema = { type: 'string', pattern: '\\{\\{|\\{%' };

/**
 * Osprey's touches on zod's JSON Schema: child tasks, conditions and inputs become references to their definitions,
 * an enum offers its accepted values (its other cases and expressions still validate), integers lose zod's safe bounds.
 */
function adjust({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }): void {
  const schema = zodSchema as unknown as z.ZodType;
  const ref = schemaReference(schema);
  if (ref) {
    for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
    jsonSchema.$ref = `#/definitions/${ref}`;
    return;
  }
  const accepted = acceptedEnumValues(schema);
  if (accepted) jsonSchema.anyOf = [{ type: 'string', enum: [...accepted] }, EXPRESSION];
  const members = jsonSchema.anyOf as JsonSchema[] | undefined;
  if (members?.every(isBareType)) {
    // `{type: [integer, string]}` rather than a union of bare types: the form editors complete best.
    jsonSchema.type = [...new Set(members.map((member) => member.type as string))];
    delete jsonSchema.anyOf;
  }
  if (jsonSchema.type === 'integer') {
    delete jsonSchema.minimum;
    delete jsonSchema.maximum;
  }
}

/** The JSON Schema of a map holding the properties of `shape` and nothing else. */
function objectSchema(shape: z.ZodRawShape): JsonSchema {
  const json = z.toJSONSchema(z.strictObject(shape), { target: 'draft-07', io: 'input', unrepresentable: 'any', override: adjust }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** A branch that says no more than its type (a list of anything, a map of anything, any text or an expression). */
function isBareType(member: JsonSchema): boolean {
  const trivial = (key: string, value: unknown) =>
    key === 'type' ||
    (key === 'pattern' && value === EXPRESSION.pattern) ||
    (key === 'propertyNames' && (value as JsonSchema).type === 'string') ||
    ((key === 'items' || key === 'additionalProperties') && Object.keys(value as JsonSchema).length === 0);
  return typeof member.type === 'string' && Object.entries(member).every(([key, value]) => trivial(key, value));
}

/**
 * The schema of one plugin type, from its zod schema: its `type` names (canonical name and aliases) as the
 * discriminating enum, its properties and the common ones, nothing else (Osprey rejects unknown properties; refused
 * properties are in no schema).
 */
function pluginSchema(definition: PluginDefinition, common: z.ZodRawShape, idPattern?: string): JsonSchema {
  const json = objectSchema({ ...common, ...definition.shape });
  const props = json.properties as Record<string, JsonSchema>;
  // Legacy names validate but are not offered: completion lists the canonical io.kestra.plugin.* names only.
  props.type = definition.aliases.length
    ? { type: 'string', description: DESCRIPTIONS.type, anyOf: [{ enum: [definition.name] }, { pattern: `^(${definition.aliases.map(escapeRegExp).join('|')})$` }] }
    : { type: 'string', description: DESCRIPTIONS.type, enum: [definition.name] };
  if (idPattern && props.id) props.id = { type: 'string', pattern: idPattern, description: props.id.description };
  // A task's worker group is checked as a map with its plugin defaults applied; the editor completes its own keys.
  if (props.workerGroup) {
    const group = objectSchema(WORKER_GROUP_PROPERTIES.shape);
    (group.properties as Record<string, JsonSchema>).key = { type: 'string', pattern: WORKER_GROUP_KEY.source };
    props.workerGroup = { description: props.workerGroup.description, ...group };
  }
  return {
    type: 'object',
    title: definition.name.split('.').pop(),
    description: `${definition.name}${definition.deprecated ? ' (deprecated)' : ''}`,
    ...(definition.deprecated ? { deprecationMessage: `${definition.name} is deprecated` } : {}),
    properties: props,
    required: json.required ?? [],
    additionalProperties: false,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Definition names are the canonical type names; `#/definitions/<name>`. */
function byType(definitions: readonly PluginDefinition[], common: z.ZodRawShape, idPattern?: string): Record<string, JsonSchema> {
  const result: Record<string, JsonSchema> = {};
  for (const definition of definitions) result[definition.name] = pluginSchema(definition, common, idPattern);
  return result;
}

function inputSchemas(): Record<string, JsonSchema> {
  const result: Record<string, JsonSchema> = {};
  for (const type of INPUT_TYPES) {
    const json = objectSchema({ ...COMMON_INPUT_PROPERTIES.shape, ...INPUT_TYPE_PROPERTIES[type].shape });
    const props = json.properties as Record<string, JsonSchema>;
    props.type = { type: 'string', enum: [type], description: 'The input type.' };
    result[`input.${type}`] = { title: `${type} input`, ...json };
  }
  return result;
}

const LABELS: JsonSchema = {
  anyOf: [
    { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    { type: 'array', items: { type: 'object', required: ['key', 'value'], properties: { key: { type: 'string' }, value: { type: ['string', 'number', 'boolean'] } } } },
  ],
};

/** One SLA type: the common properties plus its type's own, from their declarations. */
function slaOfType(type: (typeof SLA_TYPES)[number]): JsonSchema {
  const json = objectSchema({ ...SLA_PROPERTIES.shape, ...SLA_TYPE_PROPERTIES[type].shape });
  const props = json.properties as Record<string, JsonSchema>;
  props.type = { type: 'string', enum: [type] };
  props.behavior = { ...props.behavior, description: 'What a violation does besides adding labels: FAIL or CANCEL the execution, or NONE.' };
  props.labels = { description: 'Labels added to the execution when the SLA is violated.', ...LABELS };
  return json;
}

/** A retry policy of any type: the common properties and every type's own, `type` naming which. */
function retrySchema(): JsonSchema {
  const own = Object.values(RETRY_PROPERTIES).flatMap((declared) => Object.entries(declared.shape).map(([name, schema]) => [name, schema.optional()]));
  const json = objectSchema({ ...COMMON_RETRY_PROPERTIES.shape, ...Object.fromEntries(own) });
  (json.properties as Record<string, JsonSchema>).type = { type: 'string', enum: Object.keys(RETRY_PROPERTIES) };
  return { description: DESCRIPTIONS.retry, ...json };
}

/** A flow output: `type` is one of the input types. */
function outputSchema(): JsonSchema {
  const json = objectSchema(OUTPUT_PROPERTIES.shape);
  (json.properties as Record<string, JsonSchema>).type = { type: 'string', enum: [...INPUT_TYPES] };
  return json;
}

function pluginDefaultSchema(): JsonSchema {
  const json = objectSchema(PLUGIN_DEFAULT_PROPERTIES.shape);
  (json.properties as Record<string, JsonSchema>).type = { type: 'string', description: 'A type name, or a prefix such as io.kestra.plugin.core.' };
  return json;
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
  const tasks = byType(taskTypes(), COMMON_TASK_SHAPE, TASK_ID);
  const triggers = byType(TRIGGER_TYPES, COMMON_TRIGGER_SHAPE, TASK_ID);
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
      outputs: { type: 'array', description: DESCRIPTIONS.outputs, items: outputSchema() },
      triggers: { type: 'array', description: DESCRIPTIONS.triggers, items: { $ref: '#/definitions/trigger' } },
      pluginDefaults: { type: 'array', description: DESCRIPTIONS.pluginDefaults, items: { $ref: '#/definitions/pluginDefault' } },
      taskDefaults: { type: 'array', description: DESCRIPTIONS.taskDefaults, items: { $ref: '#/definitions/pluginDefault' } },
      retry: { $ref: '#/definitions/retry' },
      timeout: { type: 'string', description: DESCRIPTIONS.timeout },
      disabled: { type: ['boolean', 'string'], description: DESCRIPTIONS.disabled },
      concurrency: { description: DESCRIPTIONS.concurrency, ...objectSchema(CONCURRENCY_PROPERTIES.shape) },
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
      pluginDefault: pluginDefaultSchema(),
      sla: { anyOf: SLA_TYPES.map(slaOfType) },
      retry: retrySchema(),
      ...tasks,
      ...triggers,
      ...conditions,
      ...inputs,
    },
  };
}
