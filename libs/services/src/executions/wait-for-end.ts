import { setTimeout as wait } from 'node:timers/promises';
import { isTerminated, type Execution } from '@osprey/flow-model';
import { NotFoundError } from '@osprey/repository';

/**
 * How a request that waits for its execution polls the repository: quickly at first (most waited executions are
 * short), then slower up to `max`, so that a request waiting on an execution of hours reads it twice a second.
 */
export const WAIT_FOR_END_POLL_MS = { min: 25, max: 500, factor: 1.5 };

/**
 * Reads the execution until it ended or paused (what `wait` answers with). Resolves undefined when `signal` aborts
 * (the client went away: nobody is left to answer). An execution that disappears after it was seen was deleted:
 * NotFoundError. Absent before it was seen is normal: the executor writes a new execution a moment later.
 */
export async function waitForExecutionEnd(id: string, read: (id: string) => Promise<Execution | null>, signal: AbortSignal): Promise<Execution | undefined> {
  let seen = false;
  for (let pause = WAIT_FOR_END_POLL_MS.min; !signal.aborted; pause = Math.min(WAIT_FOR_END_POLL_MS.max, pause * WAIT_FOR_END_POLL_MS.factor)) {
    const execution = await read(id);
    if (execution && (isTerminated(execution.state.current) || execution.state.current === 'PAUSED')) return execution;
    if (execution) seen = true;
    else if (seen) throw new NotFoundError('execution', id);
    try {
      await wait(pause, undefined, { signal });
    } catch {
      // Aborted: the loop condition ends the wait.
    }
  }
  return undefined;
}

/** An AbortSignal that aborts when the HTTP response closes before it was written (the client disconnected). */
export function whileClientConnected(response: { on(event: 'close', listener: () => void): unknown } | undefined): AbortSignal {
  const controller = new AbortController();
  response?.on('close', () => controller.abort());
  return controller.signal;
}
