/** Execution and task run states, named and grouped as in Kestra. */
export type StateType =
  | 'CREATED' | 'QUEUED' | 'RUNNING' | 'PAUSED' | 'RESTARTED' | 'KILLING' | 'SUCCESS' | 'WARNING'
  | 'FAILED' | 'KILLED' | 'CANCELLED' | 'SKIPPED' | 'RETRYING' | 'RETRIED' | 'BREAKPOINT';

/** The states an execution or task run ends in. */
export const TERMINATED_STATES: readonly StateType[] = ['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED', 'RETRIED'];
const TERMINATED: ReadonlySet<StateType> = new Set<StateType>(TERMINATED_STATES);
const FAILED_LIKE: ReadonlySet<StateType> = new Set<StateType>(['FAILED', 'KILLED', 'CANCELLED']);

export function isTerminated(state: StateType): boolean {
  return TERMINATED.has(state);
}
export function isFailed(state: StateType): boolean {
  return FAILED_LIKE.has(state);
}
/** Ended without failure: SUCCESS, WARNING or SKIPPED. */
export function isSuccessful(state: StateType): boolean {
  return state === 'SUCCESS' || state === 'WARNING' || state === 'SKIPPED';
}

export interface StateHistory {
  state: StateType;
  date: string;
}

export interface State {
  current: StateType;
  histories: StateHistory[];
  startDate: string;
  endDate?: string;
  /** ISO-8601 duration once ended, e.g. PT1.234S */
  duration?: string;
}

export function newState(at: Date, current: StateType = 'CREATED'): State {
  const date = at.toISOString();
  return { current, histories: [{ state: current, date }], startDate: date };
}

/** Returns a new state with `next` appended; ends it when `next` is terminal. */
export function withState(state: State, next: StateType, at: Date): State {
  const date = at.toISOString();
  const result: State = { ...state, current: next, histories: [...state.histories, { state: next, date }] };
  if (isTerminated(next)) {
    result.endDate = date;
    result.duration = `PT${((at.getTime() - Date.parse(state.startDate)) / 1000).toFixed(3)}S`;
  } else {
    delete result.endDate;
    delete result.duration;
  }
  return result;
}
