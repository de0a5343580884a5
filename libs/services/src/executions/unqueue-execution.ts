import { UNQUEUE_STATES, type Execution, type UnqueueState } from '@osprey/flow-model';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { ExecutionConflictError } from './execution-conflict-error.js';
import type { ExecutionCommands } from './execution-commands.js';

/**
 * Takes an execution out of its flow's concurrency queue (`concurrency.behavior: QUEUE`): to RUNNING (the default),
 * started past the limit, or to CANCELLED or FAILED. The executor applies it, so a queued execution that started
 * meanwhile is left as it is.
 */
export class UnqueueExecution {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(executionId: string, state: UnqueueState = 'RUNNING'): Promise<Execution> {
    return this.apply(await this.commands.load(executionId), state);
  }

  /** Throws when the execution is not queued (the bulk unqueue checks every execution before unqueueing any). */
  check(execution: Execution): void {
    if (execution.state.current !== 'QUEUED') {
      throw new ExecutionConflictError(`execution ${execution.id} is ${execution.state.current}, not QUEUED`);
    }
  }

  async apply(execution: Execution, state: UnqueueState = 'RUNNING'): Promise<Execution> {
    this.check(execution);
    await this.commands.send(execution.id, { type: 'unqueue', state });
    return execution;
  }
}

/** A `state` query parameter as the unqueue takes it; another state is a 400 naming `name`. */
export function unqueueState(value: string | undefined, name: string): UnqueueState {
  if (value === undefined || value === '') return 'RUNNING';
  const state = value.toUpperCase();
  if (!(UNQUEUE_STATES as readonly string[]).includes(state)) {
    throw new InvalidArgumentError(name, `${name} must be one of ${UNQUEUE_STATES.join(', ')} (a queued execution is started, cancelled or failed), got ${JSON.stringify(value)}`);
  }
  return state as UnqueueState;
}
