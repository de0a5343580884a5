import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  type LogLevel,
  PROCESS_TASK_RUNNER,
  SCRIPT_TASK_TYPES,
  type ScriptLanguage,
  type ScriptTaskProperties,
  type TaskRunMetric,
} from '@osprey/flow-model';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskProperties, type TaskSchema } from '../support/task-properties.js';
import { TaskAbortedError, TaskPropertyError, throwIfAborted } from '../support/task-errors.js';
import { copyNamespaceFiles } from '../support/namespace-file-copy.js';
import { uploadDirectory, uploadOutputFiles, writeInputFiles } from '../support/working-files.js';
import { runChildProcess } from './child-process-run.js';
import { parseProtocolLine, ProtocolLineError } from './output-protocol.js';
import { replaceInternalStorageUris } from './internal-storage-paths.js';
import { SCRIPT_LANGUAGE_SPECS, shellQuote, type ScriptLanguageSpec } from './script-language.js';
import { findProgram } from './find-program.js';
import { nodeModules, pythonEnvironment, type ScriptEnvironment } from './script-dependencies.js';
import { EXECUTION_CONTEXT_VARIABLE, writeExecutionContext } from './execution-context-file.js';

export interface ScriptTaskOptions {
  /** How long a killed script's process group gets between SIGTERM and SIGKILL. Default 5 s. */
  killGraceMs?: number;
  /** How long output may stay open after the script exits before its leftover children are killed. Default 1 s. */
  drainGraceMs?: number;
  /** The environment scripts inherit before `WORKING_DIR`, `OUTPUT_DIR` and `env`. Default: the worker's own. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Folder of the environments `dependencies` are installed into, one per set of packages. Default: `<tmpdir>/osprey-script-dependencies`. */
  dependencyCache?: string;
}

/** `Commands` runs the task's command lines; `Script` writes its inline source to a file and runs it. */
export type ScriptTaskKind = 'commands' | 'script';

/**
 * Kestra's script tasks, `io.kestra.plugin.scripts.<language>.{Commands,Script}`, run as a process on the worker: the
 * command lines (after `beforeCommands`) go through `interpreter` in the working directory, output lines become logs
 * (stdout INFO, stderr ERROR, as Kestra) and `::{...}::` lines outputs and metrics, then `outputFiles` and whatever the
 * script left in `outputDir` are uploaded. What differs between languages is data: {@link SCRIPT_LANGUAGE_SPECS}.
 */
export class ScriptTask implements TaskRunner {
  private readonly killGraceMs: number;
  private readonly drainGraceMs: number;
  private readonly baseEnv: NodeJS.ProcessEnv;
  private readonly dependencyCache: string;
  private readonly spec: ScriptLanguageSpec;
  // Every script type declares a subset of the properties of ScriptTaskProperties: the unread ones stay undefined.
  private readonly type: TaskSchema<ScriptTaskProperties>;

  constructor(
    readonly language: ScriptLanguage,
    readonly kind: ScriptTaskKind,
    options: ScriptTaskOptions = {},
  ) {
    this.killGraceMs = options.killGraceMs ?? 5_000;
    this.drainGraceMs = options.drainGraceMs ?? 1_000;
    this.baseEnv = options.baseEnv ?? process.env;
    this.dependencyCache = options.dependencyCache ?? path.join(tmpdir(), 'osprey-script-dependencies');
    this.spec = SCRIPT_LANGUAGE_SPECS[language];
    this.type = SCRIPT_TASK_TYPES[language][kind] as unknown as TaskSchema<ScriptTaskProperties>;
  }

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

    // Namespace files first: inputFiles of the same name win, as in Kestra.
    await copyNamespaceFiles(ctx, workingDir, await properties.map('namespaceFiles'), 'namespaceFiles');
    const inputFiles = await properties.stringMap('inputFiles');
    if (inputFiles) await writeInputFiles(ctx, workingDir, inputFiles, 'inputFiles');

    const env: NodeJS.ProcessEnv = {
      ...this.baseEnv,
      ...this.spec.env,
      WORKING_DIR: workingDir,
      OUTPUT_DIR: outputDir,
      ...((await properties.stringMap('env')) ?? {}),
    };
    const program = await this.findInterpreter(ctx, properties, env);
    const environment = await this.installDependencies(ctx, properties, program, env);
    try {
      if (environment) {
        Object.assign(env, environment.env);
        env['PATH'] = [...environment.binaries, env['PATH']].filter(Boolean).join(path.delimiter);
      }
      return await this.runCommands(ctx, properties, { workingDir, outputDir, env, program });
    } finally {
      await environment?.dispose();
    }
  }

  /** The program that runs the language (`python3`, `node`, ...), failing the run when the worker has none of them. */
  private async findInterpreter(ctx: RunContext, properties: TaskProperties<ScriptTaskProperties>, env: NodeJS.ProcessEnv): Promise<string | undefined> {
    const version = this.language === 'python' ? (await properties.string('pythonVersion'))?.trim() : undefined;
    const candidates = version ? [`python${version}`] : this.spec.programs;
    if (candidates.length === 0) return undefined;
    for (const candidate of candidates) {
      if (await findProgram(candidate, env['PATH'])) return candidate;
    }
    const names = candidates.map((name) => `'${name}'`).join(' or ');
    throw new TaskFailure(`Task '${ctx.task.id}' (${ctx.task.type}) cannot run: the interpreter ${names} is not on the worker's PATH`);
  }

  private async installDependencies(
    ctx: RunContext,
    properties: TaskProperties<ScriptTaskProperties>,
    program: string | undefined,
    env: NodeJS.ProcessEnv,
  ): Promise<ScriptEnvironment | undefined> {
    const dependencies = (await properties.stringList('dependencies')) ?? [];
    if (!program) return undefined;
    if (this.language === 'python') {
      // A pythonVersion alone gets an environment too, so that `python` in the commands is that version.
      if (dependencies.length === 0 && !properties.has('pythonVersion')) return undefined;
      const cached = await properties.boolean('dependencyCacheEnabled', true);
      const useUv = (await properties.enumValue('packageManager', ['UV', 'PIP'] as const)) !== 'PIP';
      return pythonEnvironment(ctx, program, useUv, { dependencies, cacheRoot: cached ? this.dependencyCache : undefined, env });
    }
    if (this.language === 'node' && dependencies.length > 0) {
      return nodeModules(ctx, program, { dependencies, cacheRoot: this.dependencyCache, env });
    }
    return undefined;
  }

  /** The task's own command lines: its `commands`, or one line running its `script`. */
  private async commandLines(ctx: RunContext, properties: TaskProperties<ScriptTaskProperties>, workingDir: string, program: string | undefined): Promise<string[]> {
    if (this.kind === 'commands') {
      const commands = (await properties.stringList('commands')) ?? [];
      if (commands.length === 0) throw new TaskPropertyError('commands', 'is required');
      return commands;
    }
    const script = await properties.string('script');
    if (script === undefined) throw new TaskPropertyError('script', 'is required');
    const { extension, runCommand, prelude = '' } = this.spec;
    if (extension === undefined || runCommand === undefined || program === undefined) return [script];
    const [source] = await replaceInternalStorageUris(ctx, workingDir, [script]);
    const file = path.join(workingDir, `${randomUUID()}${extension}`);
    await writeFile(file, `${prelude}${source}`);
    return [runCommand(shellQuote(program), shellQuote(file))];
  }

  private async runCommands(
    ctx: RunContext,
    properties: TaskProperties<ScriptTaskProperties>,
    run: { workingDir: string; outputDir: string; env: NodeJS.ProcessEnv; program: string | undefined },
  ): Promise<TaskRunnerResult> {
    const { workingDir, outputDir, env } = run;
    const interpreter = (await properties.stringList('interpreter')) ?? [...this.spec.interpreter];
    if (interpreter.length === 0) throw new TaskPropertyError('interpreter', 'must not be empty');
    const failFast = await properties.boolean('failFast', true);
    const lines = [
      ...(failFast ? [this.spec.exitOnError] : []),
      ...((await properties.stringList('beforeCommands')) ?? []),
      ...(await this.commandLines(ctx, properties, workingDir, run.program)),
    ];
    const script = (await replaceInternalStorageUris(ctx, workingDir, lines)).join('\n');
    // Kestra's default: a script that wrote to standard error ends WARNING unless the flow says otherwise.
    const warningOnStdErr = await properties.boolean('warningOnStdErr', true);
    const outputFilePatterns = (await properties.stringList('outputFiles')) ?? [];
    const context = (await properties.boolean('executionContext', false)) ? await writeExecutionContext(ctx, workingDir) : undefined;
    if (context) env[EXECUTION_CONTEXT_VARIABLE] = context.file;

    const vars: Record<string, unknown> = {};
    let stderrLines = 0;
    let result;
    try {
      throwIfAborted(ctx.signal);
      result = await runChildProcess({
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
    } finally {
      // Removed before outputs are collected: the context may hold secrets and never reaches storage.
      await context?.remove();
    }

    if (result.aborted) throw new TaskAbortedError(ctx.signal.reason);
    if (result.exitCode !== 0) {
      throw new TaskFailure(
        result.exitCode === null ? `Command failed: killed by signal ${result.exitSignal}` : `Command failed with exit code ${result.exitCode}`,
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
