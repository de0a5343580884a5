import type { Execution } from '@osprey/flow-model';
import { ExecutionConflictError } from './execution-conflict-error.js';
import type { ExecutionCommands } from './execution-commands.js';
import { ResumeExecution } from './resume-execution.js';
import { UnqueueExecution } from './unqueue-execution.js';

/**
 * Kestra's force-run: a queued execution starts past its flow's concurrency limit (UnqueueExecution), a paused one
 * resumes (ResumeExecution, without inputs). Any other execution has nothing to force: a 409 naming its state.
 */
export class ForceRunExecution {
  private readonly unqueue: UnqueueExecution;
  private readonly resume: ResumeExecution;

  constructor(private readonly commands: ExecutionCommands) {
    this.unqueue = new UnqueueExecution(commands);
    this.resume = new ResumeExecution(commands);
  }

  async execute(executionId: string): Promise<Execution> {
    return this.apply(await this.commands.load(executionId));
  }

  async check(execution: Execution): Promise<void> {
    if (execution.state.current === 'QUEUED') return this.unqueue.check(execution);
    if (execution.state.current === 'PAUSED') return this.resume.check(execution);
    throw new ExecutionConflictError(`execution ${execution.id} is ${execution.state.current}: only a QUEUED or PAUSED execution can be forced to run`);
  }

  async apply(execution: Execution): Promise<Execution> {
    await this.check(execution);
    return execution.state.current === 'QUEUED' ? this.unqueue.apply(execution, 'RUNNING') : this.resume.apply(execution);
  }
}
