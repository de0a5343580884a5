import { isTerminated, parseDuration, type Execution, type TaskRun } from '@osprey/flow-model';

/** What an execution notification says of an execution (Kestra's ExecutionService.executionMap). */
export interface ExecutionSummary {
  execution: Execution;
  /** H:mm:ss.SSS, as Kestra's State.humanDuration. */
  duration: string;
  /** The last task run of the list (of the task runs in the execution's final state, for another execution). */
  lastTask?: TaskRun;
  /** The last task run when it failed. */
  firstFailed?: TaskRun;
  customMessage?: string;
  customFields?: Record<string, unknown>;
}

/**
 * Summarises an execution; `current` is true for the execution running the task, whose task runs are all counted.
 * For another execution only the task runs in its final state (FAILED when one failed, SUCCESS otherwise) are.
 */
export function summarizeExecution(execution: Execution, current: boolean, now: Date): Omit<ExecutionSummary, 'customMessage' | 'customFields'> {
  const failed = execution.taskRunList.some((taskRun) => taskRun.state.current === 'FAILED');
  const taskRuns = current ? execution.taskRunList : execution.taskRunList.filter((taskRun) => taskRun.state.current === (failed ? 'FAILED' : 'SUCCESS'));
  const lastTask = taskRuns.at(-1);
  return {
    execution,
    duration: humanDuration(durationMs(execution, now)),
    ...(lastTask ? { lastTask } : {}),
    ...(lastTask?.state.current === 'FAILED' ? { firstFailed: lastTask } : {}),
  };
}

/** Whether a polled execution is the one to report (Kestra waits for it in ExecutionService.findExecution). */
export function isReportable(execution: Execution, current: boolean, triggerState: string | undefined): boolean {
  if (current) return true;
  if (triggerState !== undefined) return triggerState === 'RUNNING' || execution.state.current === triggerState;
  return isTerminated(execution.state.current);
}

function durationMs(execution: Execution, now: Date): number {
  if (execution.state.duration) return parseDuration(execution.state.duration);
  const end = execution.state.endDate ? Date.parse(execution.state.endDate) : now.getTime();
  return Math.max(0, end - Date.parse(execution.state.startDate));
}

function humanDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  const millis = Math.floor(ms % 1000);
  return `${hours}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}.${String(millis).padStart(3, '0')}`;
}

/** `[namespace] flow ➛ STATE`, the title of every execution message. */
export function summaryTitle(summary: ExecutionSummary): string {
  const { execution } = summary;
  return `[${execution.namespace}] ${execution.flowId} ➛ ${execution.state.current}`;
}

/** `Succeeded after 0:00:01.200` or ``Failed on task `t` after ...``. */
export function summaryOutcome(summary: ExecutionSummary): string {
  const outcome = summary.firstFailed ? `Failed on task \`${summary.firstFailed.taskId}\`` : 'Succeeded';
  return `${outcome} after ${summary.duration}`;
}
