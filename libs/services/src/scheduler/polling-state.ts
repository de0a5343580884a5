import { isTerminated, type StateType } from '@osprey/flow-model';
import type { TriggerState } from '@osprey/repository';

/** What the scheduler does with a leased polling trigger: poll it now, or store `state` and come back at its nextDate. */
export type PollingStep = { kind: 'evaluate'; state: TriggerState } | { kind: 'wait'; state: TriggerState };

/** The next evaluation date of a polling trigger evaluated (or put off) at `now`. */
export function nextPollDate(now: Date, intervalMs: number): string {
  return new Date(now.getTime() + intervalMs).toISOString();
}

/** The state of a polling trigger seen for the first time: first evaluated one interval after it was deployed. */
export function initialPollingState(namespace: string, flowId: string, triggerId: string, disabled: boolean, now: Date, intervalMs: number): TriggerState {
  return { namespace, flowId, triggerId, nextDate: nextPollDate(now, intervalMs), disabled, updated: now.toISOString() };
}

/**
 * Whether a due polling trigger is polled. As in Kestra, it does not poll while the execution it started runs; when
 * that execution has ended, it is released and the trigger is disabled if the end state is one of `stopAfter`.
 * `executionState` is the state of `state.executionId`, undefined when it is not stored yet (it has not started).
 */
export function pollingStep(state: TriggerState, executionState: StateType | undefined, stopAfter: readonly string[], now: Date, intervalMs: number): PollingStep {
  let next: TriggerState = state;
  if (state.executionId) {
    if (!executionState || !isTerminated(executionState)) {
      return { kind: 'wait', state: { ...state, nextDate: nextPollDate(now, intervalMs), updated: now.toISOString() } };
    }
    next = { ...state, executionId: undefined, disabled: state.disabled || stopAfter.includes(executionState) };
  }
  if (next.disabled) return { kind: 'wait', state: { ...next, nextDate: nextPollDate(now, intervalMs), updated: now.toISOString() } };
  return { kind: 'evaluate', state: next };
}

/** The state after an evaluation at `now` that started `executionId` (or none). */
export function polledState(state: TriggerState, now: Date, intervalMs: number, executionId: string | undefined): TriggerState {
  return {
    ...state,
    nextDate: nextPollDate(now, intervalMs),
    ...(executionId ? { executionId, lastDate: now.toISOString() } : {}),
    updated: now.toISOString(),
  };
}
