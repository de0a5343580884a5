import { isTerminated, newState, nextAttemptMetadata, type Execution, type State, type TaskRun } from '@osprey/flow-model';
import { NotFoundError } from '@osprey/repository';
import { newId } from '@osprey/server';
import { ExecutionConflictError } from './execution-conflict-error.js';
import type { ExecutionCommands } from './execution-commands.js';

export interface ReplayExecutionCommand {
  executionId: string;
  /** Replay from this task run: the runs that ended before it are kept, it and everything after run again. */
  taskRunId?: string;
  /** Run the replay on this revision of the flow instead of the original one. */
  revision?: number;
}

/**
 * Replays an ended execution as a NEW execution (Kestra's replay): it carries copies of the task runs that ended
 * before the chosen one, the chosen run's enclosing flowables run again, and the executor writes it all on start.
 */
export class ReplayExecution {
  constructor(
    private readonly commands: ExecutionCommands,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(command: ReplayExecutionCommand): Promise<Execution> {
    return this.apply(await this.commands.load(command.executionId), command);
  }

  /** Throws when the execution cannot be replayed (the bulk replay checks every execution before replaying any). */
  check(original: Execution): void {
    if (!isTerminated(original.state.current)) {
      throw new ExecutionConflictError(`execution ${original.id} is ${original.state.current}: only ended executions can be replayed`);
    }
  }

  /** `latestRevision` replays on the flow's latest revision (Kestra's bulk replay option) rather than the original's. */
  async apply(original: Execution, command: Omit<ReplayExecutionCommand, 'executionId'> & { latestRevision?: boolean } = {}): Promise<Execution> {
    this.check(original);
    const revision = command.latestRevision ? undefined : (command.revision ?? original.flowRevision);
    const stored = await this.commands.repository.flows.get(original.namespace, original.flowId, revision);
    if (!stored) throw new NotFoundError('flow', `${original.namespace}.${original.flowId}${revision === undefined ? '' : ` revision ${revision}`}`);
    const id = newId();
    const now = this.clock();
    const taskRunList = command.taskRunId ? keptRuns(original, this.commands.taskRun(original, command.taskRunId), id, now) : [];
    const labels = original.labels.map((l) => (l.key === 'system.correlationId' ? { ...l, value: id } : l));
    const replay: Execution = {
      id,
      namespace: original.namespace,
      flowId: original.flowId,
      flowRevision: stored.revision,
      state: newState(now),
      labels,
      inputs: original.inputs,
      taskRunList,
      version: 0,
      // A replay is the next attempt of the original's chain, as in Kestra.
      metadata: nextAttemptMetadata(original),
      originalId: original.originalId ?? original.id,
    };
    if (original.trigger) replay.trigger = original.trigger;
    if (original.scheduleDate) replay.scheduleDate = original.scheduleDate;
    await this.commands.events.emit([{ executionId: id, event: { type: 'start' }, execution: replay }]);
    return replay;
  }
}

/** Copies of the runs before `target` (new ids, same tree); the flowables around `target` are RUNNING again. */
function keptRuns(original: Execution, target: TaskRun, executionId: string, now: Date): TaskRun[] {
  const byId = new Map(original.taskRunList.map((r) => [r.id, r]));
  const ancestors = new Set<string>();
  for (let parent = target.parentTaskRunId; parent; parent = byId.get(parent)?.parentTaskRunId) ancestors.add(parent);
  const at = original.taskRunList.indexOf(target);
  const kept = original.taskRunList.slice(0, at).filter((r) => ancestors.has(r.id) || isTerminated(r.state.current));
  const ids = new Map(kept.map((r) => [r.id, newId()]));
  return kept.map((run) => {
    const copy: TaskRun = { ...run, id: ids.get(run.id)!, executionId };
    if (run.parentTaskRunId) copy.parentTaskRunId = ids.get(run.parentTaskRunId) ?? run.parentTaskRunId;
    if (ancestors.has(run.id)) copy.state = running(run.state, now);
    return copy;
  });
}

function running(state: State, now: Date): State {
  const { endDate: _endDate, duration: _duration, ...rest } = state;
  return { ...rest, current: 'RUNNING', histories: [...state.histories, { state: 'RUNNING', date: now.toISOString() }] };
}
