import { hostname } from 'node:os';
import { rm } from 'node:fs/promises';
import { type ChildTaskResult, flag, flowableKind, isLogRecorded, type LogEntry, type LogLevel, type PropertiesOf, type RenderOptions, type Task, taskLogLevel, type TaskResultEvent, type WorkerJob, WORKING_DIRECTORY_TASK } from '@osprey/flow-model';
import type { TaskRegistry } from '@osprey/plugins';
import { copyNamespaceFiles, TaskFailure, TaskProperties, uploadOutputFiles, writeInputFiles } from '@osprey/plugins';
import type { ExecutionEventQueue, LeasedJob, WorkerJobQueue } from '@osprey/queue';
import type { Repository } from '@osprey/repository';
import type { Storage } from '@osprey/storage';
import { newId, type Logger } from '@osprey/server';
import { isLeaseGone, JobKilledError } from '../transport/abort-reasons.js';
import { LogBuffer } from './log-buffer.js';
import { errorLogEntries } from '../executions/error-log-entries.js';
import { WorkerRunContext } from './worker-run-context.js';
import type { TriggerCommands } from '../triggers/trigger-commands.js';

export interface WorkerOptions {
  render?: RenderOptions;
  /** Called when a job ends: how long it waited in the queue and how long it ran (metrics). */
  onJobEnded?: (observation: { type: string; state: string; waitMs: number; runMs: number }) => void;
}

/**
 * Runs worker jobs: reports each start, runs its task (or a WorkingDirectory's children) and reports its result. The
 * queue transport leases the jobs, renews the leases, and delivers each (WorkerController) with a signal that aborts
 * on a kill, a lost lease or the end of the shutdown grace.
 */
export class WorkerService {
  readonly id = `worker-${hostname()}-${process.pid}-${newId().slice(0, 6)}`;
  private readonly logs: LogBuffer;

  constructor(
    private readonly jobs: WorkerJobQueue,
    private readonly events: ExecutionEventQueue,
    private readonly repository: Repository,
    private readonly storage: Storage,
    private readonly registry: TaskRegistry,
    private readonly logger: Logger,
    private readonly triggers: TriggerCommands,
    private readonly options: WorkerOptions = {},
  ) {
    this.logs = new LogBuffer(repository.logs, logger);
  }

  /** Stores the logs still buffered (after the transport drained the jobs). */
  async close(): Promise<void> {
    await this.logs.close();
  }

  /**
   * Runs one leased job to its end and reports the result, unless `transport` aborted because the lease is gone (lost,
   * handed back): another worker runs the job then. A kill ends the attempt KILLED; the task's timeout, FAILED.
   */
  async execute(lease: LeasedJob, transport: AbortSignal): Promise<void> {
    const job = attemptOf(lease);
    const log = this.logger.child({ executionId: job.executionId, taskRunId: job.taskRun.id, taskId: job.task.id, attempt: job.attempt });
    if (lease.deliveries > 1) log.warn({ deliveries: lease.deliveries }, 'running a job again as a new attempt: its previous worker stopped renewing the lease');
    const startedAt = Date.now();
    // The attempt was created when the executor dispatched the job: the wait is the queue's latency.
    const dispatchedAt = Date.parse(job.taskRun.attempts[lease.job.attempt - 1]?.state.startDate ?? '') || startedAt;
    await this.events.emit([{ executionId: job.executionId, event: { type: 'taskStarted', taskRunId: job.taskRun.id, attempt: job.attempt, workerId: this.id } }]);
    const timeout = job.timeoutMs ? new AbortController() : undefined;
    const timer = timeout ? setTimeout(() => timeout.abort(new TimeoutError(job.timeoutMs!)), job.timeoutMs) : undefined;
    const signal = timeout ? AbortSignal.any([transport, timeout.signal]) : transport;
    let result: TaskResultEvent;
    try {
      result = flowableKind(job.task.type) === 'WorkingDirectory' ? await this.runWorkingDirectory(job, signal) : await this.runTask(job, job.task, job.variables, signal);
    } finally {
      clearTimeout(timer);
    }
    this.options.onJobEnded?.({ type: job.task.type, state: result.state, waitMs: Math.max(0, startedAt - dispatchedAt), runMs: Date.now() - startedAt });
    if (isLeaseGone(transport)) return;
    result.workerId = this.id;
    try {
      await this.logs.flush(); // a task's logs are stored before its end is known
      await this.jobs.complete(lease, result);
      log.debug({ state: result.state }, 'task run attempt ended');
    } catch (error) {
      log.error({ err: error }, 'reporting a task result failed; the job will run again when its lease expires');
    }
  }

  /** Runs one task; never throws: failures become a FAILED result with the reason logged. */
  private async runTask(job: WorkerJob, task: Task, variables: Record<string, unknown>, signal: AbortSignal, sharedDirectory?: string, taskRunId = job.taskRun.id): Promise<TaskResultEvent> {
    const base = { type: 'taskResult' as const, taskRunId: job.taskRun.id, attempt: job.attempt };
    // Lines below the task's logLevel are not recorded, as Kestra's run context logger drops them.
    const minimum = taskLogLevel(task);
    const logEntry = (level: LogLevel, message: string) => {
      if (isLogRecorded(level, minimum)) this.log(job, task.id, taskRunId, level, message);
    };
    const runner = this.registry.get(task.type);
    if (!runner) {
      logEntry('ERROR', `unknown task type ${task.type}: this worker has no plugin for it`);
      return { ...base, state: 'FAILED', error: `unknown task type ${task.type}` };
    }
    const render = await this.renderOptionsFor(job, task);
    const ctx = new WorkerRunContext({
      task,
      taskRun: taskRunId === job.taskRun.id ? job.taskRun : { ...job.taskRun, id: taskRunId, taskId: task.id },
      attempt: job.attempt,
      executionId: job.executionId,
      namespace: job.namespace,
      flowId: job.flowId,
      variables,
      render,
      log: logEntry,
      storage: this.storage,
      repository: this.repository,
      triggers: this.triggers,
      signal,
      sharedDirectory,
    });
    // Metrics reported before a failure, kill or timeout stay on the attempt, as Kestra keeps them.
    const withMetrics = (result: TaskResultEvent): TaskResultEvent => (ctx.metrics.length > 0 ? { ...result, metrics: [...ctx.metrics] } : result);
    try {
      const outcome = await runner.run(ctx);
      if (signal.aborted) return withMetrics({ ...base, state: abortState(signal), error: abortMessage(signal) });
      return withMetrics({ ...base, state: outcome.state ?? 'SUCCESS', outputs: outcome.outputs, labels: outcome.labels });
    } catch (error) {
      if (signal.aborted) {
        logEntry(signal.reason instanceof JobKilledError ? 'WARN' : 'ERROR', abortMessage(signal));
        return withMetrics({ ...base, state: abortState(signal), error: abortMessage(signal) });
      }
      const message = error instanceof Error ? error.message : String(error);
      logEntry('ERROR', error instanceof TaskFailure || !(error instanceof Error) ? message : `${message}`);
      return withMetrics({ ...base, state: 'FAILED', error: message });
    } finally {
      await ctx.cleanup().catch((error: unknown) => this.logger.warn({ err: error, executionId: job.executionId, taskRunId }, 'removing the task run\'s working directory failed'));
    }
  }

  /**
   * A WorkingDirectory runs its children in order on this worker, in one shared folder: its `inputFiles` are
   * written there first, and its `outputFiles` uploaded from there once the children ran.
   */
  private async runWorkingDirectory(job: WorkerJob, signal: AbortSignal): Promise<TaskResultEvent> {
    const base = { type: 'taskResult' as const, taskRunId: job.taskRun.id, attempt: job.attempt };
    const ctx = new WorkerRunContext({
      task: job.task, taskRun: job.taskRun, attempt: job.attempt, executionId: job.executionId, namespace: job.namespace, flowId: job.flowId,
      variables: job.variables, render: await this.renderOptionsFor(job, job.task), log: (level, message) => this.log(job, job.task.id, job.taskRun.id, level, message),
      storage: this.storage, repository: this.repository, triggers: this.triggers, signal,
    });
    const folder = await ctx.workingDirectory();
    let properties: TaskProperties<PropertiesOf<typeof WORKING_DIRECTORY_TASK>>;
    const children: ChildTaskResult[] = [];
    const outputs = { ...((job.variables.outputs ?? {}) as Record<string, unknown>) };
    // Children see the WorkingDirectory as their parent, and it as `workerTaskrun` (Kestra's names).
    const own = (job.variables.taskrun ?? {}) as Record<string, unknown>;
    const parentEntry = { taskrun: { id: job.taskRun.id, value: job.taskRun.value, iteration: job.taskRun.iteration }, task: { id: job.task.id }, outputs: {} };
    const parents = [parentEntry, ...((job.variables.parents ?? []) as unknown[])];
    let state: TaskResultEvent['state'] = 'SUCCESS';
    let ownOutputs: Record<string, unknown> | undefined;
    try {
      properties = new TaskProperties(ctx, WORKING_DIRECTORY_TASK, { workingDir: folder });
      // Namespace files first: inputFiles of the same name win, as in Kestra.
      await copyNamespaceFiles(ctx, folder, await properties.map('namespaceFiles'), 'namespaceFiles');
      const inputFiles = await properties.stringMap('inputFiles');
      if (inputFiles) await writeInputFiles(ctx, folder, inputFiles, 'inputFiles');
    } catch (error) {
      await this.removeFolder(job, folder);
      const message = error instanceof Error ? error.message : String(error);
      this.log(job, job.task.id, job.taskRun.id, 'ERROR', message);
      return { ...base, state: 'FAILED', error: message };
    }
    try {
      for (const child of properties.raw('tasks')) {
        if (flag(child.disabled, false)) continue;
        const startDate = new Date().toISOString();
        const childRunId = newId();
        const variables = {
          ...job.variables,
          outputs,
          parents,
          parent: parentEntry,
          workerTaskrun: own,
          task: { id: child.id, type: child.type },
          taskrun: { ...own, id: childRunId, startDate, parentId: job.taskRun.id },
          workingDir: folder,
        };
        const result = await this.runTask(job, child, variables, signal, folder, childRunId);
        const childState = result.state === 'WARNING' && flag(child.allowWarning, false) ? 'SUCCESS' : result.state === 'FAILED' && flag(child.allowFailure, false) ? 'WARNING' : result.state;
        children.push({ taskId: child.id, state: childState, outputs: result.outputs, startDate, endDate: new Date().toISOString() });
        if (result.outputs) outputs[child.id] = result.outputs;
        if (childState === 'FAILED' || childState === 'KILLED') {
          state = childState;
          break;
        }
        if (childState === 'WARNING') state = 'WARNING';
      }
      const patterns = state === 'KILLED' ? undefined : await properties.stringList('outputFiles');
      if (patterns) ownOutputs = { outputFiles: await uploadOutputFiles(ctx, folder, patterns, 'outputFiles') };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log(job, job.task.id, job.taskRun.id, 'ERROR', `the output files cannot be uploaded: ${message}`);
      state = 'FAILED';
    } finally {
      await this.removeFolder(job, folder);
    }
    return { ...base, state, children, ...(ownOutputs ? { outputs: ownOutputs } : {}) };
  }

  /** A folder left behind fills the worker's disk: say so rather than fail a task whose results are known. */
  private async removeFolder(job: WorkerJob, folder: string): Promise<void> {
    await rm(folder, { recursive: true, force: true }).catch((error: unknown) => this.logger.warn({ err: error, executionId: job.executionId, taskRunId: job.taskRun.id, folder }, 'removing the working directory failed'));
  }

  /** Render options of one task: `errorLogs()` reads the execution's ERROR logs, fetched only when a template asks. */
  private async renderOptionsFor(job: WorkerJob, task: Task): Promise<RenderOptions> {
    const base = this.options.render ?? {};
    if (!JSON.stringify(task).includes('errorLogs(')) return base;
    const entries = await errorLogEntries(this.repository.logs, job.executionId);
    return { ...base, functions: { ...(base.functions ?? {}), errorLogs: () => entries } };
  }

  private log(job: WorkerJob, taskId: string, taskRunId: string, level: LogLevel, message: string): void {
    const entry: LogEntry = {
      namespace: job.namespace,
      flowId: job.flowId,
      executionId: job.executionId,
      taskId,
      taskRunId,
      attemptNumber: job.attempt,
      timestamp: new Date().toISOString(),
      level,
      message,
    };
    this.logs.add(entry);
  }
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`task timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

function abortState(signal: AbortSignal): 'KILLED' | 'FAILED' {
  return signal.reason instanceof JobKilledError ? 'KILLED' : 'FAILED';
}
function abortMessage(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : 'aborted';
}

/**
 * The attempt a lease runs. A job handed out again (its worker died or gave it back) is a new attempt, as in
 * Kestra: the executor records it when told, and `taskrun.attemptsCount` counts the attempts before it.
 */
export function attemptOf(lease: LeasedJob): WorkerJob {
  const { job, deliveries } = lease;
  if (deliveries <= 1) return job;
  const attempt = job.attempt + deliveries - 1;
  const taskrun = { ...((job.variables.taskrun ?? {}) as Record<string, unknown>), attemptsCount: attempt - 1 };
  return { ...job, attempt, variables: { ...job.variables, taskrun } };
}
