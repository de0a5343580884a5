import type { Execution } from '@osprey/flow-model';

/** `osprey flow test`: the execution did not end in time (exit code 3). */
export class FlowTestTimeoutError extends Error {
  constructor(readonly execution: Execution | null, timeoutMs: number) {
    super(`the execution did not end within ${timeoutMs} ms (state ${execution?.state.current ?? 'not created'})`);
    this.name = 'FlowTestTimeoutError';
  }
}
