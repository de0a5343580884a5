import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { type LogLevel, PROCESS_TASK_RUNNER, type ScriptProperties, type TaskRunMetric } from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties, type TaskSchema } from '../support/task-properties.js';
import { TaskAbortedError, TaskPropertyError, throwIfAborted } from '../support/task-errors.js';
import { uploadDirectory, uploadOutputFiles, writeInputFiles } from '../support/working-files.js';
import { runChildProcess } from './child-process-run.js';
import { parseProtocolLine, ProtocolLineError } from './output-protocol.js';
import { replaceInternalStorageUris } from './internal-storage-paths.js';

export interface ShellTaskOptions {
  /** How long a killed script's process group gets between SIGTERM and SIGKILL. Default 5 s. */
  killGraceMs?: number;
  /** How long output may stay open after the script exits before its leftover children are killed. Default 1 s. */
  drainGraceMs?: number;
  /** The environment scripts inherit before `WORKING_DIR`, `OUTPUT_DIR` and `env`. Default: the worker's own. */
  baseEnv?: NodeJS.ProcessEnv;
}

/**
 * The process side of Kestra's shell script tasks: renders the commands with `workingDir` and
 * `outputDir`, runs them through `interpreter` in the working directory, turns output lines into
 * logs (stdout INFO, stderr ERROR, as Kestra) and `::{...}::` lines into outputs, then uploads
 * `outputFiles` and whatever the script left in `outputDir`.
 */
export abstract class ShellTask<P extends ScriptProperties> implements TaskRunner {
  private readonly killGraceMs: number;
  private readonly drainGraceMs: number;
  private readonly baseEnv: NodeJS.ProcessEnv;

  constructor(options: ShellTaskOptions = {}) {
    this.killGraceMs = options.killGraceMs ?? 5_000;
    this.drainGraceMs = options.drainGraceMs ?? 1_000;
    this.baseEnv = options.baseEnv ?? process.env;
  }

  /** The declared properties of the task type: `containerImage`, `docker` and the like are refused by name. */
  protected abstract readonly type: TaskSchema<P>;

  /** The task's own command lines (rendered), run after `beforeCommands`. */
  protected abstract commandLines(properties: TaskProperties<P>): Promise<string[]>;

  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const workingDir = await ctx.workingDirectory();
    const outputDir = path.join(workingDir, randomUUID());
    await mkdir(outputDir, { recursive: true });
    // A flow stored before a refusal existed fails here rather than running the script somewhere it did not ask for.
    const properties = new TaskProperties(ctx, this.type, { workingDir, outputDir });
    const taskRunner = await properties.map('taskRunner');
    if (taskRunner && taskRunner['type'] !== PROCESS_TASK_RUNNER) {
      throw new TaskPropertyError('taskRunner', `'${String(taskRunner['type'])}' is not supported: scripts run as processes on the worker host`);
    }
    const runner = await properties.string('runner');
    if (runner !== undefined && runner.toUpperCase() !== 'PROCESS') {
      throw new TaskPropertyError('runner', `'${runner}' is not supported: scripts run as processes on the worker host`);
    }

    const inputFiles = await properties.stringMap('inputFiles');
    if (inputFiles) await writeInputFiles(ctx, workingDir, inputFiles, 'inputFiles');

    const interpreter = (await properties.stringList('interpreter')) ?? ['/bin/sh', '-c'];
    if (interpreter.length === 0) throw new TaskPropertyError('interpreter', 'must not be empty');
    const failFast = await properties.boolean('failFast', true);
    const lines = [
      ...(failFast ? ['set -e'] : []),
      ...((await properties.stringList('beforeCommands')) ?? []),
      ...(await this.commandLines(properties)),
    ];
    const script = (await replaceInternalStorageUris(ctx, workingDir, lines)).join('\n');
    const env: NodeJS.ProcessEnv = {
      ...this.baseEnv,
      WORKING_DIR: workingDir,
      OUTPUT_DIR: outputDir,
      ...((await properties.stringMap('env')) ?? {}),
    };
    const warningOnStdErr = await properties.boolean('warningOnStdErr', false);
    const outputFilePatterns = (await properties.stringList('outputFiles')) ?? [];
    throwIfAborted(ctx.signal);

    const vars: Record<string, unknown> = {};
    let stderrLines = 0;
    const result = await runChildProcess({
      command: [...interpreter, script],
      cwd: workingDir,
      env,
      signal: ctx.signal,
      killGraceMs: this.killGraceMs,
      drainGraceMs: this.drainGraceMs,
      onLine: (line, stream) => {
        if (stream === 'stderr') stderrLines++;
        handleLine(ctx, vars, line, stream === 'stderr' ? 'ERROR' : 'INFO');
      },
    });

    if (result.aborted) throw new TaskAbortedError(ctx.signal.reason);
    if (result.exitCode !== 0) {
      throw new TaskFailure(
        result.exitCode === null
          ? `Command failed: killed by signal ${result.exitSignal}`
          : `Command failed with exit code ${result.exitCode}`,
      );
    }

    const outputFiles = {
      ...(await uploadOutputFiles(ctx, workingDir, outputFilePatterns, 'outputFiles')),
      ...(await uploadDirectory(ctx, outputDir)),
    };
    return {
      state: warningOnStdErr && stderrLines > 0 ? 'WARNING' : 'SUCCESS',
      outputs: { exitCode: result.exitCode, vars, outputFiles },
    };
  }
}

function handleLine(ctx: RunContext, vars: Record<string, unknown>, line: string, level: LogLevel): void {
  let message;
  try {
    message = parseProtocolLine(line);
  } catch (error) {
    if (!(error instanceof ProtocolLineError)) throw error;
    ctx.logger.warn(error.message);
    return;
  }
  if (!message) {
    ctx.logger.log(level, line);
    return;
  }
  Object.assign(vars, message.outputs);
  for (const entry of message.logs ?? []) ctx.logger.log(entry.level, entry.message);
  for (const metric of message.metrics ?? []) {
    // Also at DEBUG: a WorkingDirectory's children report no metrics of their own yet, and the log keeps them visible.
    ctx.logger.debug(`Metric ${metric?.name} (${metric?.type}) = ${metric?.value}${metric?.tags ? ` ${JSON.stringify(metric.tags)}` : ''}`);
    // The entries are unchecked JSON: the sink validates them and warns about the bad ones.
    ctx.metric(metric as TaskRunMetric);
  }
}
