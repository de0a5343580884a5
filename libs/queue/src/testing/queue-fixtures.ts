import { conditionWindowInboxKey, type Execution, type ExecutionEventEnvelope, type StateType, type TaskRun, type WorkerJob } from '@osprey/flow-model';
import type { BroadcastQueue, Closable, ExecutionEventQueue, ExecutorStore, WorkerJobQueue } from '../ports.js';

/** Everything a queue adapter family offers; each contract asks for the part it exercises. */
export interface QueueUnderTest extends Closable {
  events: ExecutionEventQueue;
  jobs: WorkerJobQueue;
  broadcast: BroadcastQueue;
  store: ExecutorStore;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it passes or `timeoutMs` elapses (then its last failure is thrown). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(20);
    }
  }
}

function state(current: StateType, at = '2024-05-01T10:00:00.000Z') {
  return { current, histories: [{ state: current, date: at }], startDate: at };
}

export function queueTestTaskRun(executionId: string, id: string, current: StateType = 'CREATED'): TaskRun {
  return { id, executionId, namespace: 'company.team', flowId: 'hello', taskId: `task-${id}`, attempts: [], state: state(current) };
}

export function queueTestExecution(id: string, taskRunIds: string[] = [], version = 1): Execution {
  return {
    id,
    namespace: 'company.team',
    flowId: 'hello',
    flowRevision: 1,
    state: state('RUNNING'),
    labels: [{ key: 'team', value: 'data' }],
    inputs: { name: 'world' },
    taskRunList: taskRunIds.map((taskRunId) => queueTestTaskRun(id, taskRunId)),
    version,
  };
}

export function queueTestJob(executionId: string, taskRunId: string, attempt = 1): WorkerJob {
  return {
    id: `${taskRunId}:${attempt}`,
    executionId,
    namespace: 'company.team',
    flowId: 'hello',
    flowRevision: 1,
    taskRun: queueTestTaskRun(executionId, taskRunId, 'RUNNING'),
    attempt,
    task: { id: `task-${taskRunId}`, type: 'io.kestra.plugin.core.log.Log', message: 'hi' },
    variables: { inputs: { name: 'world' } },
  };
}

export function resumeEvent(executionId: string, marker: string, deliverAt?: string): ExecutionEventEnvelope {
  const envelope: ExecutionEventEnvelope = { executionId, event: { type: 'resume', taskRunId: marker } };
  if (deliverAt) envelope.deliverAt = deliverAt;
  return envelope;
}

/** The marker a `resumeEvent` carries, to check order and identity of claimed events. */
export function markerOf(event: { event: { type: string; taskRunId?: string } }): string | undefined {
  return event.event.taskRunId;
}

/** An upstream execution's end sent to the window inbox key of the flow `company.team.downstream`. */
export function preconditionResultEvent(upstreamId: string): ExecutionEventEnvelope {
  const upstream = queueTestExecution(upstreamId);
  return {
    executionId: conditionWindowInboxKey('company.team', 'downstream'),
    event: { type: 'preconditionResult', upstream: { ...upstream, state: { ...upstream.state, current: 'SUCCESS' } }, at: new Date().toISOString(), revision: 1 },
  };
}
