import type { Flow, Label, Task } from '../flow/flow.js';
import type { Execution, TaskRun } from '../execution/execution.js';

/** Labels as a map of key to value. */
export function labelsMap(labels: Label[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const label of labels) map[label.key] = label.value;
  return map;
}

/**
 * The `labels` variable: each label by its key, and dotted keys also nested, so that both
 * `labels['system.correlationId']` and `labels.system.correlationId` resolve as in Kestra.
 */
export function labelsVariable(labels: Label[]): Record<string, unknown> {
  const variable: Record<string, unknown> = {};
  for (const { key, value } of labels) {
    variable[key] = value;
    const parts = key.split('.');
    if (parts.length < 2) continue;
    let node = variable;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next !== undefined && (typeof next !== 'object' || next === null)) {
        node = {};
        break;
      }
      node = (node[part] ??= {}) as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] ??= value;
  }
  return variable;
}

/**
 * Task outputs as expressions address them: `outputs.<taskId>` for a run outside loops and
 * `outputs.<taskId>[<value>]` for runs inside one (nested values nest further).
 */
export function outputsVariable(execution: Execution): Record<string, unknown> {
  const byId = new Map(execution.taskRunList.map((run) => [run.id, run]));
  const outputs: Record<string, unknown> = {};
  for (const run of execution.taskRunList) {
    if (!run.outputs) continue;
    const values = valuesChain(run, byId);
    if (values.length === 0) {
      outputs[run.taskId] = run.outputs;
      continue;
    }
    let node = (outputs[run.taskId] ??= {}) as Record<string, unknown>;
    for (let i = 0; i < values.length - 1; i++) {
      node = (node[values[i]!] ??= {}) as Record<string, unknown>;
    }
    node[values[values.length - 1]!] = run.outputs;
  }
  return outputs;
}

/** The distinct loop values from the outermost loop to this run. */
function valuesChain(run: TaskRun, byId: Map<string, TaskRun>): string[] {
  const chain: string[] = [];
  let current: TaskRun | undefined = run;
  let last: string | undefined;
  const values: (string | undefined)[] = [];
  while (current) {
    values.push(current.value);
    current = current.parentTaskRunId ? byId.get(current.parentTaskRunId) : undefined;
  }
  for (const value of values.reverse()) {
    if (value !== undefined && value !== last) chain.push(value);
    last = value;
  }
  return chain;
}

export interface RunVariableInput {
  flow: Flow;
  execution: Execution;
  task?: Task;
  taskRun?: TaskRun;
  /** Computed once per decision and shared, since it walks every task run. */
  outputs?: Record<string, unknown>;
  /** Task runs by id, when the caller has them indexed already. */
  runsById?: ReadonlyMap<string, TaskRun>;
  /** The `envs` variable (the executor's ENV_* environment variables). */
  envs?: Record<string, string>;
}

/** The variables of a task's run context, as Kestra names them. */
export function runVariables({ flow, execution, task, taskRun, outputs, runsById, envs }: RunVariableInput): Record<string, unknown> {
  const variables: Record<string, unknown> = {
    flow: { id: flow.id, namespace: flow.namespace, revision: execution.flowRevision },
    execution: {
      id: execution.id,
      startDate: execution.state.startDate,
      state: execution.state.current,
      originalId: execution.originalId ?? execution.id,
    },
    inputs: execution.inputs,
    outputs: outputs ?? outputsVariable(execution),
    // SetVariables and UnsetVariables change the execution's copy; until then `vars` are the flow's variables.
    vars: execution.variables ?? flow.variables,
    labels: labelsVariable(execution.labels),
    envs: envs ?? {},
  };
  if (execution.trigger) variables.trigger = execution.trigger.variables;
  if (execution.scheduleDate) variables.schedule = { date: execution.scheduleDate };
  if (task) variables.task = { id: task.id, type: task.type };
  if (taskRun) {
    variables.taskrun = {
      id: taskRun.id,
      startDate: taskRun.state.startDate,
      attemptsCount: Math.max(0, taskRun.attempts.length - 1),
      parentId: taskRun.parentTaskRunId,
      value: taskRun.value ?? null,
      iteration: taskRun.iteration ?? null,
    };
    const parents = parentsOf(execution, taskRun, runsById);
    if (parents.length > 0) {
      variables.parents = parents;
      variables.parent = parents[0];
    }
  }
  return variables;
}

function parentsOf(execution: Execution, taskRun: TaskRun, runsById?: ReadonlyMap<string, TaskRun>): Record<string, unknown>[] {
  const parents: Record<string, unknown>[] = [];
  let parentId = taskRun.parentTaskRunId;
  while (parentId) {
    const id = parentId;
    const parent = runsById ? runsById.get(id) : execution.taskRunList.find((run) => run.id === id);
    if (!parent) break;
    parents.push({
      taskrun: { id: parent.id, value: parent.value, iteration: parent.iteration },
      task: { id: parent.taskId },
      outputs: parent.outputs ?? {},
    });
    parentId = parent.parentTaskRunId;
  }
  return parents;
}
