import { Cron } from 'croner';
import { isDuration } from './duration.js';
import type { FlowInput, PluginDefault, Task } from './flow.js';
import { formatPath, type FlowPath } from './flow-path.js';
import { COMMON_INPUT_PROPERTIES, INPUT_TYPE_PROPERTIES, INPUT_TYPES, isInputType } from './input-types.js';
import { coerceInputValue } from './input-value.js';
import { properties, type PropertySpec } from './plugin-definition.js';
import {
  COMMON_RETRY_PROPERTIES,
  CONCURRENCY_PROPERTIES,
  FLOW_PROPERTIES,
  OUTPUT_PROPERTIES,
  PLUGIN_DEFAULT_PROPERTIES,
  RETRY_PROPERTIES,
  SLA_PROPERTIES,
  SLA_TYPE_PROPERTIES,
  SLA_TYPES,
} from './flow-properties.js';
import { applyPluginDefaults } from './plugin-defaults.js';
import { COMMON_TASK_PROPERTIES, PROCESS_TASK_RUNNER, resolveTaskType, type TaskTypeDefinition } from './task-types.js';
import { WORKER_GROUP_KEY, WORKER_GROUP_PROPERTIES } from './worker-group.js';
import { flowableKind } from '../executor/flowable-kind.js';
import { isExecutorResolved } from '../executor/flowables/index.js';
import { isTemplate } from './template-text.js';
import { COMMON_TRIGGER_PROPERTIES, resolveTriggerType } from './trigger-types.js';
import { resolveConditionType } from './condition-types.js';
import { checkTriggerSemantics, type TriggerCheckOptions } from './trigger-checks.js';

/** Receives each violation found; `atKey` asks to locate it at the property's key rather than its value. */
export type ViolationSink = (path: FlowPath, message: string, options?: { atKey?: boolean }) => void;

// Kestra's patterns (javax @Pattern, so the whole text must match).
const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const TASK_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const INPUT_ID = /^[a-zA-Z0-9][.a-zA-Z0-9_-]*$/;

const DAG_ENTRY_PROPERTIES = properties({ task: 'map!', dependsOn: 'list' });
const ANY_SLA_TYPE_PROPERTIES: Record<string, PropertySpec> = Object.fromEntries(
  Object.values(SLA_TYPE_PROPERTIES).flatMap((props) => Object.entries(props).map(([name, spec]) => [name, { ...spec, required: false }])),
);
/** Each label key of a labels map or list, with where it is written. */
function labelKeys(labels: unknown, path: FlowPath): [string, FlowPath][] {
  if (isMap(labels)) return Object.keys(labels).map((key) => [key, [...path, key]]);
  if (!Array.isArray(labels)) return [];
  return labels.flatMap((label, i) => (isMap(label) && typeof label.key === 'string' ? [[label.key, [...path, i, 'key']] as [string, FlowPath]] : []));
}

const CRON_NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/**
 * Checks a flow document (the plain value of its YAML) against Kestra's rules and reports every
 * violation to `report`. Nothing is thrown; an empty report means the flow is valid.
 */
export function collectFlowViolations(document: unknown, options: TriggerCheckOptions, report: ViolationSink): void {
  new FlowChecker(report, options).checkFlow(document);
}

class FlowChecker {
  private readonly taskIds = new Map<string, FlowPath>();
  private pluginDefaults: PluginDefault[] = [];

  constructor(
    private readonly report: ViolationSink,
    private readonly options: TriggerCheckOptions,
  ) {}

  checkFlow(flow: unknown): void {
    if (!isMap(flow)) {
      this.report([], 'a flow must be a YAML map');
      return;
    }
    this.pluginDefaults = [...asList(flow.pluginDefaults), ...asList(flow.taskDefaults)].filter(isMap) as unknown as PluginDefault[];
    this.checkProperties(flow, [], FLOW_PROPERTIES, 'flow');
    this.checkId(flow.id, ['id'], FLOW_ID, 'flow id');
    this.checkId(flow.namespace, ['namespace'], FLOW_ID, 'namespace');
    this.checkLabels(flow.labels, ['labels']);

    const inputIds = new Map<string, FlowPath>();
    asList(flow.inputs).forEach((input, i) => this.checkInput(input, ['inputs', i], inputIds));

    if (Array.isArray(flow.tasks) && flow.tasks.length === 0) this.report(['tasks'], 'a flow must have at least one task');
    for (const list of ['tasks', 'errors', 'finally', 'afterExecution'] as const) {
      asList(flow[list]).forEach((task, i) => this.checkTask(task, [list, i]));
    }

    const outputIds = new Map<string, FlowPath>();
    asList(flow.outputs).forEach((output, i) => this.checkOutput(output, ['outputs', i], outputIds));
    const triggerIds = new Map<string, FlowPath>();
    asList(flow.triggers).forEach((trigger, i) => this.checkTrigger(trigger, ['triggers', i], triggerIds));
    for (const list of ['pluginDefaults', 'taskDefaults'] as const) {
      asList(flow[list]).forEach((d, i) => this.checkPluginDefault(d, [list, i]));
    }
    if (isMap(flow.retry)) this.checkRetry(flow.retry, ['retry']);
    if (isMap(flow.concurrency)) {
      this.checkProperties(flow.concurrency, ['concurrency'], CONCURRENCY_PROPERTIES, 'concurrency');
      const limit = flow.concurrency.limit;
      if (typeof limit === 'number' && Number.isInteger(limit) && limit < 1) {
        this.report(['concurrency', 'limit'], 'must be a positive integer');
      }
    }
    asList(flow.sla).forEach((sla, i) => this.checkSla(sla, ['sla', i]));
  }

  /** One SLA: the common properties, then its type's own (duration or assert), which are never expressions. */
  private checkSla(sla: unknown, path: FlowPath): void {
    if (!isMap(sla)) {
      this.report(path, `an SLA must be a map but got ${describe(sla)}`);
      return;
    }
    const type = SLA_TYPES.find((t) => typeof sla.type === 'string' && t === sla.type.toUpperCase());
    // An unknown or missing type is reported on `type` itself; the properties of any type are then not unknown.
    const own = type ? SLA_TYPE_PROPERTIES[type] : ANY_SLA_TYPE_PROPERTIES;
    this.checkProperties(sla, path, own, type ? `an SLA of type ${type}` : 'an SLA', SLA_PROPERTIES);
    this.checkLabels(sla.labels, [...path, 'labels']);
    // As in Kestra: system labels are the engine's own, a violation may not set them.
    for (const [key, at] of labelKeys(sla.labels, [...path, 'labels'])) {
      if (key.startsWith('system.')) this.report(at, `label '${key}' is reserved: the 'system.' prefix is for labels Osprey sets itself`, { atKey: true });
    }
    if (type === 'MAX_DURATION' && isTemplate(sla.duration)) this.report([...path, 'duration'], 'an SLA duration is not rendered: write an ISO-8601 duration such as PT1H');
  }

  /** Unknown properties, value types and required properties of one map. */
  private checkProperties(
    value: Record<string, unknown>,
    path: FlowPath,
    specs: Readonly<Record<string, PropertySpec>>,
    what: string,
    common: Readonly<Record<string, PropertySpec>> = {},
    effective: Record<string, unknown> = value,
  ): void {
    for (const [key, property] of Object.entries(value)) {
      const spec = common[key] ?? specs[key];
      if (!spec) this.report([...path, key], `unknown property '${key}' for ${what}`, { atKey: true });
      else this.checkValue(property, spec, [...path, key]);
    }
    for (const [key, spec] of [...Object.entries(common), ...Object.entries(specs)]) {
      if (spec.required && (effective[key] === undefined || effective[key] === null)) {
        this.report([...path, key], `missing required property '${key}'`);
      }
    }
  }

  private checkValue(value: unknown, spec: PropertySpec, path: FlowPath): void {
    if (value === undefined || value === null) return;
    if (spec.refused) {
      this.report(path, `property '${String(path[path.length - 1])}' is not supported by Osprey: ${spec.refused}`, { atKey: true });
      return;
    }
    const childTasks = spec.type === 'tasks' || spec.type === 'taskCases' || spec.type === 'dagTasks';
    if (isTemplate(value) && !childTasks) return; // only known at run time
    const fail = (expected: string) => this.report(path, `expected ${expected} but got ${describe(value)}`);
    switch (spec.type) {
      case 'string':
        if (!isScalar(value)) return fail('a string');
        // Enum names are matched regardless of case, like Kestra's mapper.
        if (spec.values && !spec.values.some((v) => v.toUpperCase() === String(value).toUpperCase())) {
          this.report(path, `must be one of ${spec.values.join(', ')} but got '${String(value)}'`);
        }
        for (const [refusedValue, reason] of Object.entries(spec.refusedValues ?? {})) {
          if (refusedValue.toUpperCase() === String(value).toUpperCase()) {
            this.report(path, `value '${String(value)}' is not supported by Osprey: ${reason}`);
          }
        }
        return;
      case 'number':
        if (!(typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value))))) fail('a number');
        return;
      case 'integer':
        if (!Number.isInteger(typeof value === 'string' && value.trim() !== '' ? Number(value) : value)) fail('an integer');
        return;
      case 'boolean':
        if (!(typeof value === 'boolean' || value === 'true' || value === 'false')) fail('a boolean');
        return;
      case 'duration':
        if (!isDuration(value)) this.report(path, `invalid ISO-8601 duration ${describe(value)}: expected a form like PT5S, PT0.25S, PT1H30M or P1D`);
        return;
      case 'map':
        if (!isMap(value)) fail('a map');
        return;
      case 'list':
        if (!Array.isArray(value)) fail('a list');
        return;
      case 'stringOrList':
        if (!isScalar(value) && !Array.isArray(value)) fail('a string or a list');
        return;
      case 'tasks':
        if (!Array.isArray(value)) return fail('a list of tasks');
        if (spec.required && value.length === 0) this.report(path, 'must hold at least one task');
        value.forEach((task, i) => this.checkTask(task, [...path, i]));
        return;
      case 'taskCases':
        if (!isMap(value)) return fail('a map of task lists');
        for (const [key, tasks] of Object.entries(value)) this.checkValue(tasks, { type: 'tasks', required: true }, [...path, key]);
        return;
      case 'dagTasks':
        if (!Array.isArray(value)) return fail('a list of {task, dependsOn}');
        this.checkDag(value, path);
        return;
      case 'conditions':
        if (!Array.isArray(value)) return fail('a list of conditions');
        value.forEach((condition, i) => this.checkCondition(condition, [...path, i]));
        return;
      case 'conditionMap':
        if (!isMap(value)) return fail('a map of conditions');
        for (const [key, condition] of Object.entries(value)) this.checkCondition(condition, [...path, key]);
        return;
      case 'inputs': {
        if (!Array.isArray(value)) return fail('a list of inputs');
        const ids = new Map<string, FlowPath>();
        value.forEach((input, i) => this.checkInput(input, [...path, i], ids));
        return;
      }
      case 'any':
        return;
    }
  }

  private checkId(value: unknown, path: FlowPath, pattern: RegExp, what: string): void {
    if (value === undefined || value === null) return; // reported as missing
    if (typeof value !== 'string') this.report(path, `${what} must be a string`);
    else if (!pattern.test(value)) this.report(path, `invalid ${what} '${value}': must match ${pattern.source}`);
  }

  private checkUnique(id: unknown, path: FlowPath, seen: Map<string, FlowPath>, what: string): void {
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first) this.report(path, `duplicate ${what} '${id}' (first declared at ${formatPath(first)})`);
    else seen.set(id, path);
  }

  private checkLabels(labels: unknown, path: FlowPath): void {
    if (labels === undefined || labels === null) return;
    if (isMap(labels)) {
      for (const [key, value] of Object.entries(labels)) {
        if (!isScalar(value)) this.report([...path, key], `label values must be strings but got ${describe(value)}`);
      }
    } else if (Array.isArray(labels)) {
      labels.forEach((label, i) => {
        if (!isMap(label)) return this.report([...path, i], 'a label must be a map with key and value');
        this.checkProperties(label, [...path, i], properties({ key: 'string!', value: 'string!' }), 'label');
      });
    } else {
      this.report(path, 'labels must be a map or a list of {key, value}');
    }
  }

  private checkTask(task: unknown, path: FlowPath): void {
    if (!isMap(task)) {
      this.report(path, `a task must be a map but got ${describe(task)}`);
      return;
    }
    this.checkId(task.id, [...path, 'id'], TASK_ID, 'task id');
    this.checkUnique(task.id, [...path, 'id'], this.taskIds, 'task id');
    const type = task.type;
    const definition = typeof type === 'string' ? resolveTaskType(type) : undefined;
    if (typeof type === 'string' && !definition) this.report([...path, 'type'], `unknown task type '${type}'`);
    if (definition) {
      // Kestra validates tasks after plugin defaults are applied, so defaults may supply required values.
      const effective = applyPluginDefaults(task as Task, this.pluginDefaults);
      this.checkProperties(task, path, definition.properties, `task type ${definition.name}`, COMMON_TASK_PROPERTIES, effective);
      this.checkFlowableShape(task, path, definition.name);
      if (definition.properties.taskRunner && isMap(task.taskRunner)) this.checkTaskRunner(task.taskRunner, [...path, 'taskRunner']);
      this.checkWorkerGroup(effective.workerGroup, task.workerGroup !== undefined, path, definition);
      if (flowableKind(definition.name) === 'WorkingDirectory') this.checkWorkingDirectoryChildren(task, path);
    } else {
      // Unknown type: only what every task has can be checked, including its errors/finally children.
      for (const [key, spec] of Object.entries(COMMON_TASK_PROPERTIES)) {
        if (key === 'type') continue;
        if (spec.required && (task[key] === undefined || task[key] === null)) this.report([...path, key], `missing required property '${key}'`);
        else this.checkValue(task[key], spec, [...path, key]);
      }
    }
    if (isMap(task.retry)) this.checkRetry(task.retry, [...path, 'retry']);
  }

  /** The children of a WorkingDirectory run on its worker: a group of their own would not be honoured. */
  private checkWorkingDirectoryChildren(task: Record<string, unknown>, path: FlowPath): void {
    asList(task.tasks).forEach((child, i) => {
      if (isMap(child) && child.workerGroup !== undefined && child.workerGroup !== null) {
        this.report([...path, 'tasks', i, 'workerGroup'], "property 'workerGroup' is not supported on a task inside a WorkingDirectory: it runs on the WorkingDirectory's worker; set workerGroup on the WorkingDirectory", { atKey: true });
      }
    });
  }

  /** Checks a task's worker group, its own or one its plugin defaults give it (then reported at the task). */
  private checkWorkerGroup(group: unknown, own: boolean, path: FlowPath, definition: TaskTypeDefinition): void {
    if (group === undefined || group === null) return;
    const at: FlowPath = own ? [...path, 'workerGroup'] : path;
    // A WorkingDirectory runs its children on one worker; every other flowable is resolved by the executor.
    if (isExecutorResolved(definition.name)) {
      this.report(at, `property 'workerGroup' is not supported on ${definition.name}: the executor runs this task itself, no worker does`, { atKey: own });
      return;
    }
    if (!isMap(group)) {
      // A task's own non-map value is reported by the property check already.
      if (!own) this.report(at, `expected workerGroup (from pluginDefaults) to be a map but got ${describe(group)}`);
      return;
    }
    this.checkProperties(group, at, WORKER_GROUP_PROPERTIES, 'workerGroup');
    if (typeof group.key === 'string' && !WORKER_GROUP_KEY.test(group.key)) {
      this.report([...at, 'key'], `invalid worker group key '${group.key}': it must match ${WORKER_GROUP_KEY.source}`);
    }
  }

  private checkFlowableShape(task: Record<string, unknown>, path: FlowPath, type: string): void {
    if (type === 'io.kestra.plugin.core.flow.Switch') {
      const cases = isMap(task.cases) ? Object.keys(task.cases).length : 0;
      const defaults = Array.isArray(task.defaults) ? task.defaults.length : 0;
      if (cases === 0 && defaults === 0) this.report(path, 'a Switch needs at least one of cases or defaults');
    }
  }

  private checkTaskRunner(runner: Record<string, unknown>, path: FlowPath): void {
    this.checkProperties(runner, path, properties({ type: 'string!' }), 'a task runner');
    if (typeof runner.type === 'string' && runner.type !== PROCESS_TASK_RUNNER) {
      this.report([...path, 'type'], `task runner '${runner.type}' is not supported by Osprey: scripts run as processes on the worker host (${PROCESS_TASK_RUNNER})`);
    }
  }

  private checkDag(entries: unknown[], path: FlowPath): void {
    const ids = new Map<string, FlowPath>();
    const dependencies: [string, unknown, FlowPath][] = [];
    entries.forEach((entry, i) => {
      const entryPath = [...path, i];
      if (!isMap(entry)) return this.report(entryPath, 'a Dag entry must be a map with task and dependsOn');
      this.checkProperties(entry, entryPath, DAG_ENTRY_PROPERTIES, 'Dag entry');
      if (entry.task !== undefined && entry.task !== null) this.checkTask(entry.task, [...entryPath, 'task']);
      const id = isMap(entry.task) ? entry.task.id : undefined;
      if (typeof id === 'string') ids.set(id, entryPath);
      if (typeof id === 'string') dependencies.push([id, entry.dependsOn, [...entryPath, 'dependsOn']]);
    });
    const graph = new Map<string, string[]>();
    for (const [id, dependsOn, dependsOnPath] of dependencies) {
      const list = asList(dependsOn).filter((d): d is string => typeof d === 'string');
      list.forEach((dependency) => {
        if (!ids.has(dependency)) {
          const index = asList(dependsOn).indexOf(dependency);
          this.report([...dependsOnPath, index], `depends on '${dependency}', which is not a task of this Dag`);
        }
      });
      graph.set(id, list.filter((d) => ids.has(d)));
    }
    const cycle = findCycle(graph);
    if (cycle) this.report(ids.get(cycle[0]!)!, `the Dag has a dependency cycle: ${cycle.join(' -> ')}`);
  }

  private checkRetry(retry: Record<string, unknown>, path: FlowPath): void {
    const type = retry.type;
    const specific = typeof type === 'string' ? RETRY_PROPERTIES[type] : undefined;
    if (type !== undefined && type !== null && !specific) {
      this.report([...path, 'type'], `unknown retry type '${String(type)}': must be constant, exponential or random`);
    }
    if (specific) this.checkProperties(retry, path, specific, `a ${String(type)} retry`, COMMON_RETRY_PROPERTIES);
    else if (type === undefined || type === null) this.report([...path, 'type'], "missing required property 'type'");
    const maxAttempt = retry.maxAttempt;
    if (typeof maxAttempt === 'number' && Number.isInteger(maxAttempt) && maxAttempt < 1) {
      this.report([...path, 'maxAttempt'], 'must be at least 1');
    }
  }

  private checkInput(input: unknown, path: FlowPath, seen: Map<string, FlowPath>): void {
    if (!isMap(input)) {
      this.report(path, `an input must be a map but got ${describe(input)}`);
      return;
    }
    const idKey = input.id !== undefined && input.id !== null ? 'id' : 'name';
    const id = input[idKey];
    if (id === undefined || id === null) this.report([...path, 'id'], "missing required property 'id'");
    this.checkId(id, [...path, idKey], INPUT_ID, 'input id');
    this.checkUnique(id, [...path, idKey], seen, 'input id');
    const type = input.type;
    if (type !== undefined && type !== null && !isInputType(type)) {
      this.report([...path, 'type'], `unknown input type '${String(type)}': must be one of ${INPUT_TYPES.join(', ')}`);
    }
    const specific = isInputType(type) ? INPUT_TYPE_PROPERTIES[type] : {};
    this.checkProperties(input, path, specific, isInputType(type) ? `a ${type} input` : 'an input', COMMON_INPUT_PROPERTIES);
    if (!isInputType(type)) return;

    if (type === 'SELECT' && input.values == null && input.expression == null) {
      this.report([...path, 'values'], "missing required property 'values'");
    }
    if ((type === 'ARRAY' || type === 'MULTISELECT') && input.itemType != null) {
      const itemType = input.itemType;
      if (!isInputType(itemType) || itemType === 'ARRAY' || itemType === 'MULTISELECT') {
        this.report([...path, 'itemType'], `invalid itemType '${String(itemType)}': must be an input type other than ARRAY and MULTISELECT`);
      }
    }
    for (const list of ['values', 'options'] as const) {
      if (Array.isArray(input[list])) {
        (input[list] as unknown[]).forEach((v, i) => {
          if (!isScalar(v)) this.report([...path, list, i], `expected a string but got ${describe(v)}`);
        });
      }
    }
    if (typeof input.validator === 'string') {
      try {
        new RegExp(input.validator);
      } catch (error) {
        this.report([...path, 'validator'], `invalid regular expression: ${(error as Error).message}`);
      }
    }
    // Bounds must be values of the input's own type (after/before of a DATE are dates, ...).
    const boundType = type === 'INT' || type === 'FLOAT' || type === 'DURATION';
    for (const bound of boundType ? ['min', 'max'] : ['after', 'before']) {
      const value = input[bound];
      if (value == null || isTemplate(value) || !['INT', 'FLOAT', 'DURATION', 'DATETIME', 'DATE', 'TIME'].includes(type)) continue;
      try {
        coerceInputValue({ id: String(id), type, required: false }, value);
      } catch (error) {
        this.report([...path, bound], (error as Error).message);
      }
    }
    const defaults = input.defaults;
    if (defaults !== undefined && defaults !== null && !isTemplate(defaults)) {
      try {
        coerceInputValue({ ...input, id: String(id), type, required: false } as FlowInput, defaults);
      } catch (error) {
        this.report([...path, 'defaults'], `invalid default: ${(error as Error).message}`);
      }
    }
  }

  private checkOutput(output: unknown, path: FlowPath, seen: Map<string, FlowPath>): void {
    if (!isMap(output)) {
      this.report(path, `an output must be a map but got ${describe(output)}`);
      return;
    }
    this.checkProperties(output, path, OUTPUT_PROPERTIES, 'an output');
    this.checkId(output.id, [...path, 'id'], INPUT_ID, 'output id');
    this.checkUnique(output.id, [...path, 'id'], seen, 'output id');
    if (output.type != null && !isInputType(output.type)) {
      this.report([...path, 'type'], `unknown output type '${String(output.type)}': must be one of ${INPUT_TYPES.join(', ')}`);
    }
  }

  private checkTrigger(trigger: unknown, path: FlowPath, seen: Map<string, FlowPath>): void {
    if (!isMap(trigger)) {
      this.report(path, `a trigger must be a map but got ${describe(trigger)}`);
      return;
    }
    this.checkId(trigger.id, [...path, 'id'], TASK_ID, 'trigger id');
    this.checkUnique(trigger.id, [...path, 'id'], seen, 'trigger id');
    const type = trigger.type;
    const definition = typeof type === 'string' ? resolveTriggerType(type) : undefined;
    if (typeof type === 'string' && !definition) this.report([...path, 'type'], `unknown trigger type '${type}'`);
    if (!definition) {
      if (trigger.id == null) this.report([...path, 'id'], "missing required property 'id'");
      if (type == null) this.report([...path, 'type'], "missing required property 'type'");
      return;
    }
    this.checkProperties(trigger, path, definition.properties, `trigger type ${definition.name}`, COMMON_TRIGGER_PROPERTIES);
    if (definition.name === 'io.kestra.plugin.core.trigger.Schedule') this.checkSchedule(trigger, path);
    checkTriggerSemantics(trigger, definition.name, path, (at, message) => this.report(at, message), this.options);
  }

  private checkSchedule(trigger: Record<string, unknown>, path: FlowPath): void {
    const timezone = trigger.timezone;
    if (typeof timezone === 'string' && !isTemplate(timezone)) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: timezone });
      } catch {
        this.report([...path, 'timezone'], `unknown time zone '${timezone}'`);
      }
    }
    const cron = trigger.cron;
    if (typeof cron === 'string') {
      const problem = cronProblem(cron, trigger.withSeconds === true || trigger.withSeconds === 'true');
      if (problem) this.report([...path, 'cron'], problem);
    }
    if (isMap(trigger.backfill)) {
      this.checkProperties(trigger.backfill, [...path, 'backfill'], properties({ start: 'string', end: 'string', labels: 'any', inputs: 'map' }), 'backfill');
      for (const key of ['start', 'end'] as const) {
        const value = trigger.backfill[key];
        if (typeof value === 'string' && !isTemplate(value) && isNaN(Date.parse(value))) {
          this.report([...path, 'backfill', key], `invalid date-time '${value}'`);
        }
      }
    }
  }

  private checkCondition(condition: unknown, path: FlowPath): void {
    if (!isMap(condition)) {
      this.report(path, `a condition must be a map but got ${describe(condition)}`);
      return;
    }
    const type = condition.type;
    const definition = typeof type === 'string' ? resolveConditionType(type) : undefined;
    if (typeof type === 'string' && !definition) this.report([...path, 'type'], `unknown condition type '${type}'`);
    else if (type == null) this.report([...path, 'type'], "missing required property 'type'");
    if (definition) this.checkProperties(condition, path, definition.properties, `condition type ${definition.name}`);
  }

  private checkPluginDefault(value: unknown, path: FlowPath): void {
    if (!isMap(value)) {
      this.report(path, `a plugin default must be a map with type and values but got ${describe(value)}`);
      return;
    }
    this.checkProperties(value, path, PLUGIN_DEFAULT_PROPERTIES, 'a plugin default');
    if (value.type === '') this.report([...path, 'type'], 'must not be empty');
  }
}

/** Why a Schedule's cron expression is invalid, or undefined when it is valid. */
export function cronProblem(cron: string, withSeconds: boolean): string | undefined {
  const text = cron.trim();
  if (text.startsWith('@')) {
    return CRON_NICKNAMES.has(text.toLowerCase()) ? undefined : `invalid cron expression '${cron}': unknown nickname`;
  }
  const fields = text.split(/\s+/).length;
  const expected = withSeconds ? 6 : 5;
  if (fields !== expected) {
    const hint = fields === 6 && !withSeconds ? ' (a 6-field cron with seconds needs withSeconds: true)' : '';
    return `invalid cron expression '${cron}': expected ${expected} fields but got ${fields}${hint}`;
  }
  try {
    new Cron(text, { paused: true });
    return undefined;
  } catch (error) {
    return `invalid cron expression '${cron}': ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}
