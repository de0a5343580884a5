import { TaskFailure } from '../task-runner.js';

/** A task property is missing, of the wrong type, or renders to an unusable value. */
export class TaskPropertyError extends TaskFailure {
  constructor(readonly property: string, reason: string) {
    super(`Invalid property '${property}': ${reason}`);
    this.name = 'TaskPropertyError';
  }
}

/** The run was stopped through `ctx.signal` (kill or timeout) before the task finished. */
export class TaskAbortedError extends TaskFailure {
  constructor(readonly reason?: unknown) {
    super(`Task aborted${describe(reason)}`);
    this.name = 'TaskAbortedError';
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error && reason.message && reason.name !== 'AbortError') return `: ${reason.message}`;
  if (typeof reason === 'string' && reason) return `: ${reason}`;
  return '';
}

/** Throws {@link TaskAbortedError} when the signal has already fired. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new TaskAbortedError(signal.reason);
}
