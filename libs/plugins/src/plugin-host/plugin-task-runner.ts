import { flag, propertyKind, type TaskTypeDefinition } from '@osprey/flow-model';
import type { PluginRunContext, PluginTaskType } from '@osprey/plugin-sdk';
import type { z } from 'zod';
import { TaskFailure, type RunContext, type TaskRunner, type TaskRunnerResult } from '../task-runner.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { TaskProperties, toText } from '../support/task-properties.js';

/** Runs a plugin's task type: renders its declared properties, calls its run function, checks the outputs it returns. */
export class PluginTaskRunner implements TaskRunner {
  constructor(
    private readonly definition: TaskTypeDefinition,
    private readonly declaration: PluginTaskType,
  ) {}

  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = await this.renderProperties(ctx);
    let returned: unknown;
    try {
      returned = await this.declaration.run(properties as never, pluginContext(ctx));
    } catch (error) {
      // The SDK's PluginTaskFailure is named TaskFailure: logged as its message alone, as Osprey's own.
      if (error instanceof Error && error.name === 'TaskFailure' && !(error instanceof TaskFailure)) throw new TaskFailure(error.message);
      throw error;
    }
    const outputs = (this.declaration.outputs as z.ZodType).safeParse(returned ?? {});
    if (!outputs.success) {
      const issue = outputs.error.issues[0]!;
      throw new TaskFailure(`task type ${this.definition.name} (plugin ${this.definition.plugin}) returned outputs its schema refuses: ${issue.path.join('.') || '(outputs)'}: ${issue.message}`);
    }
    return { outputs: outputs.data as Record<string, unknown> };
  }

  /** Each declared property rendered, then read as its kind says (numbers, booleans, text). */
  private async renderProperties(ctx: RunContext): Promise<Record<string, unknown>> {
    const values = new TaskProperties(ctx, this.definition);
    const result: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(this.definition.shape)) {
      const raw = values.raw(name);
      if (raw === undefined || raw === null) {
        result[name] = undefined;
        continue;
      }
      const rendered = await ctx.render(raw);
      result[name] = readAs(name, propertyKind(schema as z.ZodType).type, rendered);
    }
    return result;
  }
}

function readAs(name: string, type: string, value: unknown): unknown {
  switch (type) {
    case 'string':
    case 'duration':
      return toText(value);
    case 'boolean': {
      if (value !== true && value !== false && value !== 'true' && value !== 'false') throw new TaskPropertyError(name, `expected true or false but got '${toText(value)}'`);
      return flag(value, false);
    }
    case 'number':
    case 'integer': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(number) || (type === 'integer' && !Number.isInteger(number))) throw new TaskPropertyError(name, `expected ${type === 'integer' ? 'an integer' : 'a number'} but got '${toText(value)}'`);
      return number;
    }
    default:
      return value;
  }
}

/** The worker's run context narrowed to what the SDK promises plugins. */
function pluginContext(ctx: RunContext): PluginRunContext {
  return {
    execution: { id: ctx.executionId, namespace: ctx.namespace, flowId: ctx.flowId },
    taskRun: { id: ctx.taskRun.id, taskId: ctx.taskRun.taskId, attempt: ctx.attempt, ...(ctx.taskRun.value !== undefined ? { value: ctx.taskRun.value } : {}) },
    logger: {
      trace: (message) => ctx.logger.trace(message),
      debug: (message) => ctx.logger.debug(message),
      info: (message) => ctx.logger.info(message),
      warn: (message) => ctx.logger.warn(message),
      error: (message) => ctx.logger.error(message),
    },
    outputs: (ctx.variables.outputs ?? {}) as Record<string, unknown>,
    render: (template) => ctx.renderString(template),
    metric: (metric) => ctx.metric(metric),
    storage: {
      putFile: (name, content) => ctx.storage.putFile(name, content),
      get: (uri) => ctx.storage.get(uri),
      size: (uri) => ctx.storage.size(uri),
      delete: (uri) => ctx.storage.delete(uri),
    },
    workingDirectory: () => ctx.workingDirectory(),
    signal: ctx.signal,
  };
}
