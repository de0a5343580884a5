import { Cron } from 'croner';
import { z } from 'zod';
import { checkProperties, type PropertyCheck, type ViolationSink } from './check-properties.js';
import type { FlowInput, PluginDefault, Task } from './flow.js';
import { formatPath, type FlowPath } from './flow-path.js';
import { COMMON_INPUT_PROPERTIES, INPUT_TYPE_PROPERTIES, INPUT_TYPES, isInputType } from './input-types.js';
import { coerceInputValue } from './input-value.js';
import { declaredProperties, type PluginDefinition, type PropertySpec, type RefusedProperties } from './plugin-definition.js';
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
import { CHECK_FREQUENCY_PROPERTIES, COMMON_TASK_PROPERTIES, FOR_EACH_ITEM_BATCH_PROPERTIES, COMMON_TASK_REFUSED, COMMON_TASK_SHAPE, EXECUTION_PURGE_TASK, KV_PURGE_BEHAVIOR_PROPERTIES, KV_PURGE_TASK, LOG_PURGE_TASK, PROCESS_TASK_RUNNER, resolveTaskType, STORAGE_SPLIT_TASK, type TaskTypeDefinition } from './task-types.js';
import { describeValue as describe, prop } from './property-schema.js';
import { WORKER_GROUP_KEY, WORKER_GROUP_PROPERTIES } from './worker-group.js';
import { zonedDateProblem } from './schedule-dates.js';
import { flowableKind } from '../executor/flowable-kind.js';
import { isExecutorResolved } from '../executor/flowables/index.js';
import { isTemplate } from './template-text.js';
import { COMMON_TRIGGER_PROPERTIES, COMMON_TRIGGER_REFUSED, COMMON_TRIGGER_SHAPE, resolveTriggerType } from './trigger-types.js';
import { resolveConditionType } from './condition-types.js';
import { checkTriggerSemantics, type TriggerCheckOptions } from './trigger-checks.js';
import { flag } from './flag.js';

// storage.Split cuts a file by exactly one of these.
const SPLIT_RULES = ['bytes', 'partitions', 'rows'] as const;

export type { ViolationSink } from './check-properties.js';

// Kestra's patterns (javax @Pattern, so the whole text must match).
const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const TASK_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const INPUT_ID = /^[a-zA-Z0-9][.a-zA-Z0-9_-]*$/;

type Declared = Pick<PluginDefinition, 'shape' | 'refused'>;
/** The strict zod check of a map that holds the declared properties of each of `declared` and nothing else. */
function strictCheck(what: string, ...declared: Declared[]): PropertyCheck {
  const shape: z.ZodRawShape = Object.assign({}, ...declared.map((d) => d.shape));
  const refused: RefusedProperties = Object.assign({}, ...declared.map((d) => d.refused));
  return { schema: z.strictObject(shape), refused, what };
}
const byKey = <K extends string, V>(keys: readonly K[], value: (key: K) => V) => Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, V>;

const FLOW_CHECK = strictCheck('flow', FLOW_PROPERTIES);
const CONCURRENCY_CHECK = strictCheck('concurrency', CONCURRENCY_PROPERTIES);
// Not strict: the task's own check already refuses an unknown key of checkFrequency by name.
const CHECK_FREQUENCY_CHECK: PropertyCheck = { schema: CHECK_FREQUENCY_PROPERTIES.schema, refused: {}, what: 'checkFrequency' };
const FOR_EACH_ITEM_BATCH_CHECK: PropertyCheck = { schema: FOR_EACH_ITEM_BATCH_PROPERTIES.schema, refused: {}, what: 'batch' };
const OUTPUT_CHECK = strictCheck('an output', OUTPUT_PROPERTIES);
const PLUGIN_DEFAULT_CHECK = strictCheck('a plugin default', PLUGIN_DEFAULT_PROPERTIES);
const LABEL_CHECK = strictCheck('label', declaredProperties({ key: prop.string(), value: prop.string() }));
const WORKER_GROUP_CHECK = strictCheck('workerGroup', WORKER_GROUP_PROPERTIES);
const PURGE_BY_FLOW_TASKS = new Set([LOG_PURGE_TASK.name, EXECUTION_PURGE_TASK.name]);
const KV_PURGE_BEHAVIOR_CHECK = strictCheck('behavior', KV_PURGE_BEHAVIOR_PROPERTIES);
const TASK_RUNNER_CHECK = strictCheck('a task runner', declaredProperties({ type: prop.string() }));
const DAG_ENTRY_CHECK = strictCheck('Dag entry', declaredProperties({ task: prop.map(), dependsOn: prop.list().optional() }));
const BACKFILL_CHECK = strictCheck(
  'backfill',
  declaredProperties({ start: prop.string().optional(), end: prop.string().optional(), labels: prop.any().optional(), inputs: prop.map().optional() }),
);
const RETRY_CHECKS = byKey(Object.keys(RETRY_PROPERTIES) as (keyof typeof RETRY_PROPERTIES)[], (type) =>
  strictCheck(`a ${type} retry`, COMMON_RETRY_PROPERTIES, RETRY_PROPERTIES[type]),
);
const SLA_CHECKS = byKey(SLA_TYPES, (type) => strictCheck(`an SLA of type ${type}`, SLA_PROPERTIES, SLA_TYPE_PROPERTIES[type]));
// An unknown or missing type is reported on `type` itself; the properties of any type are then not unknown.
const ANY_SLA_CHECK = strictCheck('an SLA', SLA_PROPERTIES, {
  shape: Object.fromEntries(Object.values(SLA_TYPE_PROPERTIES).flatMap((d) => Object.entries(d.shape).map(([name, schema]) => [name, schema.optional()]))),
  refused: {},
});
const INPUT_CHECKS = byKey(INPUT_TYPES, (type) => strictCheck(`a ${type} input`, COMMON_INPUT_PROPERTIES, INPUT_TYPE_PROPERTIES[type]));
const ANY_INPUT_CHECK = strictCheck('an input', COMMON_INPUT_PROPERTIES);
/** Each label key of a labels map or list, with where it is written. */
function labelKeys(labels: unknown, path: FlowPath): [string, FlowPath][] {
  if (isMap(labels)) return Object.keys(labels).map((key) => [key, [...path, key]]);
  if (!Array.isArray(labels)) return [];
  return labels.flatMap((label, i) => (isMap(label) && typeof label.key === 'string' ? [[label.key, [...path, i, 'key']] as [string, FlowPath]] : []));
}

/** The zod check of each task, trigger and condition type: its own properties and the common ones, nothing else. */
const pluginChecks = new WeakMap<PluginDefinition, PropertyCheck>();
function pluginCheck(definition: PluginDefinition, category: string, common: z.ZodRawShape = {}, commonRefused: RefusedProperties = {}): PropertyCheck {
  let check = pluginChecks.get(definition);
  if (!check) {
    const schema = z.strictObject({ ...common, ...definition.shape });
    // A common property the type declares itself (stopAfter on a polling trigger) is the type's to accept.
    const inherited = Object.fromEntries(Object.entries(commonRefused).filter(([name]) => !(name in definition.shape)));
    check = { schema, refused: { ...inherited, ...definition.refused }, what: `${category} type ${definition.name}` };
    pluginChecks.set(definition, check);
  }
  return check;
}
/** A task of a type Osprey does not know: only what every task has is checked, other properties let through. */
const UNKNOWN_TYPE_TASK: PropertyCheck = { schema: z.object(COMMON_TASK_SHAPE).omit({ type: true }), refused: COMMON_TASK_REFUSED, what: 'a task' };

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
    checkProperties(flow, [], FLOW_CHECK, this.report);
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
      checkProperties(flow.concurrency, ['concurrency'], CONCURRENCY_CHECK, this.report);
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
    checkProperties(sla, path, type ? SLA_CHECKS[type] : ANY_SLA_CHECK, this.report);
    this.checkLabels(sla.labels, [...path, 'labels']);
    // As in Kestra: system labels are the engine's own, a violation may not set them.
    for (const [key, at] of labelKeys(sla.labels, [...path, 'labels'])) {
      if (key.startsWith('system.')) this.report(at, `label '${key}' is reserved: the 'system.' prefix is for labels Osprey sets itself`, { atKey: true });
    }
    if (type === 'MAX_DURATION' && isTemplate(sla.duration)) this.report([...path, 'duration'], 'an SLA duration is not rendered: write an ISO-8601 duration such as PT1H');
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
        checkProperties(label, [...path, i], LABEL_CHECK, this.report);
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
      checkProperties(task, path, pluginCheck(definition, 'task', COMMON_TASK_SHAPE, COMMON_TASK_REFUSED), this.report, effective);
      this.checkChildren(task, path, { ...COMMON_TASK_PROPERTIES, ...definition.properties });
      this.checkTaskShape(task, effective, path, definition.name);
      if (definition.properties.taskRunner && isMap(task.taskRunner)) this.checkTaskRunner(task.taskRunner, [...path, 'taskRunner']);
      this.checkWorkerGroup(effective.workerGroup, task.workerGroup !== undefined, path, definition);
      if (flowableKind(definition.name) === 'WorkingDirectory') this.checkWorkingDirectoryChildren(task, path);
      if (flowableKind(definition.name) === 'LoopUntil' && isMap(task.checkFrequency)) checkProperties(task.checkFrequency, [...path, 'checkFrequency'], CHECK_FREQUENCY_CHECK, this.report);
      if (flowableKind(definition.name) === 'ForEachItem' && isMap(task.batch)) checkProperties(task.batch, [...path, 'batch'], FOR_EACH_ITEM_BATCH_CHECK, this.report);
    } else {
      // Unknown type: only what every task has can be checked, including its errors/finally children.
      checkProperties(task, path, UNKNOWN_TYPE_TASK, this.report);
      this.checkChildren(task, path, COMMON_TASK_PROPERTIES);
    }
    if (isMap(task.retry)) this.checkRetry(task.retry, [...path, 'retry']);
  }

  /** Walks into the child tasks, Dag entries, conditions and inputs a map holds, once its own properties are checked. */
  private checkChildren(value: Record<string, unknown>, path: FlowPath, specs: Readonly<Record<string, PropertySpec>>): void {
    for (const [key, child] of Object.entries(value)) {
      const at = [...path, key];
      switch (specs[key]?.refused ? undefined : specs[key]?.type) {
        case 'tasks':
          asList(child).forEach((task, i) => this.checkTask(task, [...at, i]));
          break;
        case 'taskCases':
          if (isMap(child)) for (const [name, tasks] of Object.entries(child)) asList(tasks).forEach((task, i) => this.checkTask(task, [...at, name, i]));
          break;
        case 'dagTasks':
          if (Array.isArray(child)) this.checkDag(child, at);
          break;
        case 'conditions':
          asList(child).forEach((condition, i) => this.checkCondition(condition, [...at, i]));
          break;
        case 'conditionMap':
          if (isMap(child)) for (const [name, condition] of Object.entries(child)) this.checkCondition(condition, [...at, name]);
          break;
        case 'inputs': {
          const ids = new Map<string, FlowPath>();
          asList(child).forEach((input, i) => this.checkInput(input, [...at, i], ids));
          break;
        }
      }
    }
  }

  /**
   * The children of a WorkingDirectory run one after another on its worker: a group of their own would not be
   * honoured, and a task the executor runs (a flowable, Exit, SetVariables...) cannot run there at all.
   */
  private checkWorkingDirectoryChildren(task: Record<string, unknown>, path: FlowPath): void {
    asList(task.tasks).forEach((child, i) => {
      const definition = isMap(child) && typeof child.type === 'string' ? resolveTaskType(child.type) : undefined;
      if (definition && isExecutorResolved(definition.name)) {
        this.report([...path, 'tasks', i, 'type'], `task type '${String((child as Record<string, unknown>).type)}' cannot run inside a WorkingDirectory: its tasks run on one worker, and the executor runs this one; only runnable tasks are allowed there`);
      }
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
    checkProperties(group, at, WORKER_GROUP_CHECK, this.report);
    if (typeof group.key === 'string' && !WORKER_GROUP_KEY.test(group.key)) {
      this.report([...at, 'key'], `invalid worker group key '${group.key}': it must match ${WORKER_GROUP_KEY.source}`);
    }
  }

  /** Rules that tie several properties of one task together (`effective`: the task with its plugin defaults). */
  private checkTaskShape(task: Record<string, unknown>, effective: Task, path: FlowPath, type: string): void {
    if (type === 'io.kestra.plugin.core.flow.Switch') {
      const cases = isMap(task.cases) ? Object.keys(task.cases).length : 0;
      const defaults = Array.isArray(task.defaults) ? task.defaults.length : 0;
      if (cases === 0 && defaults === 0) this.report(path, 'a Switch needs at least one of cases or defaults');
    }
    if (type === KV_PURGE_TASK.name) {
      if (isMap(effective.behavior)) checkProperties(effective.behavior, [...path, 'behavior'], KV_PURGE_BEHAVIOR_CHECK, this.report);
      if (isSet(effective.namespaces) && isSet(effective.namespacePattern)) {
        const own = task.namespacePattern !== undefined ? 'namespacePattern' : task.namespaces !== undefined ? 'namespaces' : undefined;
        this.report(own ? [...path, own] : path, 'namespaces and namespacePattern cannot be used together: use one or the other', { atKey: own !== undefined });
      }
    }
    // A flow id is only unique within its namespace: purging `flowId` alone would reach every namespace's flow of that id.
    if (PURGE_BY_FLOW_TASKS.has(type) && isSet(effective.flowId) && !isSet(effective.namespace)) {
      this.report(task.flowId !== undefined ? [...path, 'flowId'] : path, 'flowId needs namespace: name the namespace of the flow whose data is purged', { atKey: task.flowId !== undefined });
    }
    // Osprey keeps metrics on task runs: they cannot outlive their execution, nor go without it.
    const purgeExecution = effective.purgeExecution ?? true;
    if (type === EXECUTION_PURGE_TASK.name && typeof effective.purgeMetric === 'boolean' && typeof purgeExecution === 'boolean' && effective.purgeMetric !== purgeExecution) {
      const own = task.purgeMetric !== undefined;
      this.report(own ? [...path, 'purgeMetric'] : path, 'purgeMetric must equal purgeExecution: Osprey keeps metrics on the task runs of their execution, deleted with it and only with it', { atKey: own });
    }
    if (type === STORAGE_SPLIT_TASK.name) {
      const given = SPLIT_RULES.filter((name) => effective[name] !== undefined && effective[name] !== null);
      if (given.length === 0) this.report(path, 'a Split needs one of bytes, partitions or rows');
      if (given.length > 1) {
        // Reported at a rule the task sets itself (the last one); at the task when its plugin defaults set them all.
        const own = [...given].reverse().find((name) => task[name] !== undefined && task[name] !== null);
        this.report(own ? [...path, own] : path, `only one of bytes, partitions or rows may be set, not ${given.join(' and ')}`, { atKey: own !== undefined });
      }
    }
  }

  private checkTaskRunner(runner: Record<string, unknown>, path: FlowPath): void {
    checkProperties(runner, path, TASK_RUNNER_CHECK, this.report);
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
      checkProperties(entry, entryPath, DAG_ENTRY_CHECK, this.report);
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
    const specific = typeof type === 'string' && Object.hasOwn(RETRY_CHECKS, type) ? RETRY_CHECKS[type as keyof typeof RETRY_CHECKS] : undefined;
    if (type !== undefined && type !== null && !specific) {
      this.report([...path, 'type'], `unknown retry type '${String(type)}': must be constant, exponential or random`);
    }
    if (specific) checkProperties(retry, path, specific, this.report);
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
    checkProperties(input, path, isInputType(type) ? INPUT_CHECKS[type] : ANY_INPUT_CHECK, this.report);
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
    checkProperties(output, path, OUTPUT_CHECK, this.report);
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
    checkProperties(trigger, path, pluginCheck(definition, 'trigger', COMMON_TRIGGER_SHAPE, COMMON_TRIGGER_REFUSED), this.report);
    this.checkChildren(trigger, path, { ...COMMON_TRIGGER_PROPERTIES, ...definition.properties });
    if (definition.name === 'io.kestra.plugin.core.trigger.Schedule') this.checkSchedule(trigger, path);
    if (definition.name === 'io.kestra.plugin.core.trigger.ScheduleOnDates') this.checkScheduleOnDates(trigger, path);
    checkTriggerSemantics(trigger, definition.name, path, (at, message) => this.report(at, message), this.options);
  }

  private checkTimezone(trigger: Record<string, unknown>, path: FlowPath): void {
    const timezone = trigger.timezone;
    if (typeof timezone === 'string' && !isTemplate(timezone)) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: timezone });
      } catch {
        this.report([...path, 'timezone'], `unknown time zone '${timezone}'`);
      }
    }
  }

  private checkScheduleOnDates(trigger: Record<string, unknown>, path: FlowPath): void {
    this.checkTimezone(trigger, path);
    if (!Array.isArray(trigger.dates)) return;
    trigger.dates.forEach((date, i) => {
      const problem = zonedDateProblem(date);
      if (problem) this.report([...path, 'dates', i], problem);
    });
  }

  private checkSchedule(trigger: Record<string, unknown>, path: FlowPath): void {
    this.checkTimezone(trigger, path);
    const cron = trigger.cron;
    if (typeof cron === 'string') {
      const problem = cronProblem(cron, flag(trigger.withSeconds, false));
      if (problem) this.report([...path, 'cron'], problem);
    }
    if (isMap(trigger.backfill)) {
      checkProperties(trigger.backfill, [...path, 'backfill'], BACKFILL_CHECK, this.report);
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
    if (definition) {
      checkProperties(condition, path, pluginCheck(definition, 'condition'), this.report);
      this.checkChildren(condition, path, definition.properties);
    }
  }

  private checkPluginDefault(value: unknown, path: FlowPath): void {
    if (!isMap(value)) {
      this.report(path, `a plugin default must be a map with type and values but got ${describe(value)}`);
      return;
    }
    checkProperties(value, path, PLUGIN_DEFAULT_CHECK, this.report);
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

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
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
