import { COMMON_TASK_SHAPE, resolveTaskType, TEMPLATED_TASK, validateFlowValue, type Task } from '@osprey/flow-model';
import { parse } from 'yaml';
import { TaskFailure, type RunContext, type TaskRunner, type TaskRunnerResult } from '../task-runner.js';
import { isPlainObject, TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';

// Kestra runs the parsed task's run() alone: what the executor would do with these (retry, timeout, runIf, ...) never happens.
const RUN_AROUND = Object.keys(COMMON_TASK_SHAPE).filter((name) => name !== 'id' && name !== 'type' && name !== 'description');

/**
 * `io.kestra.plugin.core.templating.TemplatedTask`: renders `spec`, reads it as a task definition (YAML) and runs that
 * task in its place, with this task's id, run context and outputs. As in Kestra it refuses a TemplatedTask and any
 * type that is not runnable (flowables, the executor's own tasks); Osprey also refuses the common properties that
 * only the executor applies, and an unknown type, by name.
 */
export class TemplatedTaskRunner implements TaskRunner {
  constructor(private readonly runnerOf: (type: string) => TaskRunner | undefined) {}

  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, TEMPLATED_TASK);
    const text = await properties.string('spec');
    let spec: unknown;
    try {
      spec = parse(text);
    } catch (error) {
      throw new TaskPropertyError('spec', `does not render to YAML: ${(error as Error).message}`);
    }
    if (!isPlainObject(spec)) throw new TaskPropertyError('spec', 'must render to a task definition (a YAML map)');
    const type = typeof spec['type'] === 'string' ? spec['type'] : undefined;
    if (type === undefined) throw new TaskPropertyError('spec', "the task definition has no 'type'");
    const definition = resolveTaskType(type);
    if (definition?.name === TEMPLATED_TASK.name) throw new TaskFailure(`The templated task cannot be of type '${TEMPLATED_TASK.name}'`);
    if (definition && definition.kind !== 'runnable') throw new TaskFailure('The templated task must be a runnable task');
    const runner = this.runnerOf(type);
    if (!definition || !runner) throw new TaskPropertyError('spec', `unknown task type ${type}`);
    const around = RUN_AROUND.find((name) => name in spec);
    if (around) throw new TaskPropertyError(`spec.${around}`, 'is not supported by Osprey in a templated task: the task runs once, inside this one');
    const inner = { ...spec, id: ctx.task.id, type } as Task;
    // The flow validator's own checks (unknown properties by name, wrong values), as if the task were in the flow.
    const violation = validateFlowValue({ id: 'templated', namespace: ctx.namespace, tasks: [inner] })[0];
    if (violation) throw new TaskPropertyError(violation.path.replace(/^tasks\[0\]/, 'spec'), violation.message);
    // The same run context (storage, logs, metrics, signal), seen with the templated task as its task.
    const innerContext = new Proxy(ctx, { get: (target, name) => (name === 'task' ? inner : Reflect.get(target, name, target)) });
    return runner.run(innerContext);
  }
}
