import { newState, type Execution, type ExecutionEventEnvelope, type StateType } from '@osprey/flow-model';
import type { ExecutionEventQueue } from '@osprey/queue';
import { RepositoryUnavailableError, type Repository } from '@osprey/repository';
import { BulkActionError } from './bulk-action-error.js';
import { BulkExecutionAction } from './bulk-execution-action.js';
import { ExecutionCommands } from './execution-commands.js';
import { KillExecution } from './kill-execution.js';

function execution(id: string, current: StateType): Execution {
  return { id, namespace: 'ns', flowId: 'f', flowRevision: 1, state: newState(new Date(0), current), labels: [], inputs: {}, taskRunList: [], version: 1 };
}

/** ExecutionCommands over an in-memory set of executions, recording the events sent to the executor. */
function commands(executions: Execution[], options: { down?: string } = {}) {
  const byId = new Map(executions.map((e) => [e.id, e]));
  const emitted: ExecutionEventEnvelope[] = [];
  const repository = {
    executions: {
      async get(id: string) {
        if (id === options.down) throw new RepositoryUnavailableError('connect ECONNREFUSED');
        return byId.get(id) ?? null;
      },
    },
  } as unknown as Repository;
  const queue = { emit: async (e: ExecutionEventEnvelope[]) => void emitted.push(...e) } as unknown as ExecutionEventQueue;
  return { commands: new ExecutionCommands(repository, queue), emitted };
}

describe('BulkExecutionAction', () => {
  it('applies the single action to every execution once, in order, and counts them', async () => {
    const { commands: c, emitted } = commands([execution('a', 'RUNNING'), execution('b', 'PAUSED')]);
    const kill = new KillExecution(c);
    const answer = await new BulkExecutionAction(c).execute('kill', ['a', 'b', 'a'], { check: (e) => kill.check(e), apply: (e) => kill.apply(e, false) });
    expect(answer).toEqual({ count: 2 });
    expect(emitted.map((e) => [e.executionId, e.event])).toEqual([
      ['a', { type: 'kill', cascade: false }],
      ['b', { type: 'kill', cascade: false }],
    ]);
  });

  it('changes nothing when one execution is unknown or refuses the action, and lists each refusal', async () => {
    const { commands: c, emitted } = commands([execution('a', 'RUNNING'), execution('done', 'SUCCESS')]);
    const kill = new KillExecution(c);
    const run = new BulkExecutionAction(c).execute('kill', ['a', 'nope', 'done'], kill);
    await expect(run).rejects.toThrow(BulkActionError);
    await run.catch((error: BulkActionError) => {
      expect(error.message).toBe('invalid bulk kill');
      expect(error.invalids).toEqual([
        { message: 'execution not found', invalidValue: 'nope' },
        { message: 'execution done already ended SUCCESS', invalidValue: 'done' },
      ]);
    });
    expect(emitted).toEqual([]);
  });

  it('fails as it is when the repository cannot be read, rather than calling the execution invalid', async () => {
    const { commands: c, emitted } = commands([execution('a', 'RUNNING')], { down: 'a' });
    await expect(new BulkExecutionAction(c).execute('kill', ['a'], new KillExecution(c))).rejects.toThrow(RepositoryUnavailableError);
    expect(emitted).toEqual([]);
  });
});
