import { isTerminated, type Execution, type StateType } from '@osprey/flow-model';
import { ExecutionConflictError } from './execution-conflict-error.js';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import type { ExecutionCommands } from './execution-commands.js';

/** The states an operator may force a task run into, as in Kestra. */
export const FORCEABLE_TASK_RUN_STATES: readonly StateType[] = ['SUCCESS', 'WARNING', 'FAILED'];


/** Forces the state of one task run of an ended or paused execution; the execution goes on from there. */
export class ChangeTaskRunState {
  constructor(private readonly commands: ExecutionCommands) {}

  async execute(executionId: string, taskRunId: string, state: string): Promise<Execution> {
    if (!FORCEABLE_TASK_RUN_STATES.includes(state as StateType)) {
      throw new InvalidArgumentError('state', `state ${JSON.stringify(state)} cannot be set on a task run: use one of ${FORCEABLE_TASK_RUN_STATES.join(', ')}`);
    }
    const execution = await this.commands.load(executionId);
    const run = this.commands.taskRun(execution, taskRunId);
    if (!isTerminated(execution.state.current) && execution.state.current !== 'PAUSED') {
      throw new ExecutionConflictError(`execution ${executionId} is ${execution.state.current}: task run states change only on ended or paused executions`);
    }
    if (run.state.current === state) throw new ExecutionConflictError(`task run ${taskRunId} is already ${state}`);
    await this.commands.send(executionId, { type: 'changeTaskRunState', taskRunId, state: state as StateType });
    return execution;
  }
}
