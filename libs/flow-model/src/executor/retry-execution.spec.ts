import { parseFlow } from '../flow/index.js';
import type { Flow } from '../flow/flow.js';
import type { Execution } from '../execution/execution.js';
import { newState } from '../execution/state.js';
import { decide } from './decide.js';
import type { ExecutionEvent, ExecutorAction } from './events.js';
import { nextRetryDelay } from './retry.js';

/**
 * Drives a chain of executions through `decide`: workers answer every job with `answer`, subflows are not used,
 * scheduled events fire by moving a virtual clock, and executions emitted with a `start` event join the chain.
 */
class Chain {
  readonly executions = new Map<string, Execution>();
  readonly order: string[] = [];
  readonly actions: { executionId: string; action: ExecutorAction; at: number }[] = [];
  now = Date.parse('2026-01-01T00:00:00.000Z');
  private readonly queue: { executionId: string; event: ExecutionEvent }[] = [];
  private readonly timers: { at: number; executionId: string; event: ExecutionEvent }[] = [];
  private ids = 0;

  constructor(private readonly flow: Flow, private readonly answer: (executionId: string, taskId: string) => 'SUCCESS' | 'FAILED' | 'hold' = () => 'FAILED', first?: Partial<Execution>) {
    const execution: Execution = {
      id: 'exec-1',
      namespace: flow.namespace,
      flowId: flow.id,
      flowRevision: 3,
      state: newState(new Date(this.now)),
      labels: [{ key: 'team', value: 'birds' }],
      inputs: { size: 4 },
      trigger: { id: 'daily', type: 'io.kestra.plugin.core.trigger.Schedule', variables: { date: '2026-01-01T00:00:00Z' } },
      taskRunList: [],
      version: 0,
      ...first,
    };
    this.add(execution);
  }

  /** New executions, sent with the time their start is delivered. */
  private readonly delayed: { at: number; execution: Execution }[] = [];

  private add(execution: Execution): void {
    this.executions.set(execution.id, execution);
    this.order.push(execution.id);
    this.queue.push({ executionId: execution.id, event: { type: 'start' } });
  }

  run(): this {
    for (let steps = 0; ; ) {
      while (this.queue.length > 0) {
        if (++steps > 1000) throw new Error('the chain does not settle');
        const { executionId, event } = this.queue.shift()!;
        this.step(executionId, event);
      }
      const timer = this.timers.sort((a, b) => a.at - b.at)[0];
      const next = this.delayed.sort((a, b) => a.at - b.at)[0];
      if (!timer && !next) return this;
      if (next && (!timer || next.at <= timer.at)) {
        this.delayed.shift();
        this.now = Math.max(this.now, next.at);
        this.add(next.execution);
      } else {
        this.timers.shift();
        this.now = Math.max(this.now, timer!.at);
        this.queue.push(timer!);
      }
    }
  }

  private step(executionId: string, event: ExecutionEvent): void {
    this.now += 1;
    const decision = decide({ flow: this.flow, execution: this.executions.get(executionId)!, event, now: new Date(this.now), newId: () => `id-${++this.ids}` });
    this.executions.set(executionId, decision.execution);
    for (const action of decision.actions) {
      this.actions.push({ executionId, action, at: this.now });
      if (action.type === 'dispatch') {
        const state = this.answer(executionId, action.job.task.id);
        if (state !== 'hold') this.queue.push({ executionId, event: { type: 'taskResult', taskRunId: action.job.taskRun.id, attempt: action.job.attempt, state } });
      } else if (action.type === 'schedule') {
        this.timers.push({ at: Date.parse(action.at), executionId, event: action.event });
      } else if (action.type === 'emit' && action.envelope.execution) {
        const execution = action.envelope.execution;
        this.delayed.push({ at: action.envelope.deliverAt ? Date.parse(action.envelope.deliverAt) : this.now, execution });
      }
    }
  }

  get list(): Execution[] {
    return this.order.map((id) => this.executions.get(id)!);
  }
  states(): string[] {
    return this.list.map((e) => e.state.current);
  }
  createdAt(): number[] {
    return this.list.map((e) => Date.parse(e.state.startDate));
  }
}

function flow(yaml: string): Flow {
  return parseFlow(`id: flaky\nnamespace: io.osprey.tests\n${yaml}`);
}

const failTask = (retry = '') => `tasks:\n  - id: fail\n    type: io.kestra.plugin.core.execution.Fail\n${retry}`;
const taskRetry = (policy: string) => failTask(`    retry:\n      behavior: CREATE_NEW_EXECUTION\n      type: constant\n${policy.replace(/^/gm, '      ')}\n`);
const flowRetry = (policy: string, tasks = failTask()) => `retry:\n  behavior: CREATE_NEW_EXECUTION\n  type: constant\n${policy.replace(/^/gm, '  ')}\n${tasks}`;

describe('retry behavior CREATE_NEW_EXECUTION', () => {
  it('a task retry with maxAttempt 3 ends two executions RETRIED and the third FAILED', () => {
    const chain = new Chain(flow(taskRetry('maxAttempt: 3\ninterval: PT1S'))).run();
    expect(chain.states()).toEqual(['RETRIED', 'RETRIED', 'FAILED']);
    expect(chain.list.map((e) => e.metadata?.attemptNumber ?? 1)).toEqual([1, 2, 3]);
    // Each execution ran the failing task once: the attempts are executions, not task run attempts.
    for (const execution of chain.list) expect(execution.taskRunList.map((r) => r.attempts.length)).toEqual([1]);
    expect(chain.list[0]!.taskRunList[0]!.state.current).toBe('RETRIED');
    expect(chain.list[0]!.taskRunList[0]!.attempts[0]!.state.current).toBe('FAILED');
    expect(chain.list[2]!.taskRunList[0]!.state.current).toBe('FAILED');
  });

  it('a flow retry applies to every task, like the task retry', () => {
    const chain = new Chain(flow(flowRetry('maxAttempt: 3\ninterval: PT1S'))).run();
    expect(chain.states()).toEqual(['RETRIED', 'RETRIED', 'FAILED']);
  });

  it('sends the next execution for delivery after the interval, counted from the failure, created at that time', () => {
    const chain = new Chain(flow(taskRetry('maxAttempt: 2\ninterval: PT30S'))).run();
    const [first, second] = chain.list;
    const due = new Date(Date.parse(first!.state.endDate!) + 30_000).toISOString();
    const emit = chain.actions.find((a) => a.action.type === 'emit')!.action as Extract<ExecutorAction, { type: 'emit' }>;
    expect(emit.envelope).toMatchObject({ executionId: second!.id, event: { type: 'start' }, deliverAt: due });
    expect(second!.state.histories[0]).toEqual({ state: 'CREATED', date: due });
    expect(chain.actions.filter((a) => a.action.type === 'schedule')).toEqual([]);
  });

  it('maxDuration counts from the first execution: no retry would start after it', () => {
    // interval 2s within 6s: tries at about 0s, 2s, 4s; a fourth at 6s+ would pass maxDuration.
    const chain = new Chain(flow(taskRetry('maxDuration: PT6S\ninterval: PT2S'))).run();
    expect(chain.states()).toEqual(['RETRIED', 'RETRIED', 'FAILED']);
    const created = chain.createdAt();
    expect(created[2]! - created[0]!).toBeLessThanOrEqual(6_000);
    expect(new Set(chain.list.map((e) => e.metadata?.originalCreatedDate ?? e.state.startDate)).size).toBe(1);
  });

  it('the new execution keeps the flow revision, inputs, labels, trigger and parent, and starts without task runs', () => {
    const parent = { executionId: 'p-1', taskRunId: 'tr-p', namespace: 'io.osprey.tests', flowId: 'parent', wait: true, transmitFailed: true };
    const chain = new Chain(flow(taskRetry('maxAttempt: 2\ninterval: PT1S')), () => 'FAILED', { parent }).run();
    const [first, second] = chain.list;
    expect(second).toMatchObject({
      namespace: first!.namespace,
      flowId: first!.flowId,
      flowRevision: 3,
      inputs: { size: 4 },
      labels: [{ key: 'team', value: 'birds' }],
      trigger: first!.trigger,
      parent,
      metadata: { attemptNumber: 2, originalCreatedDate: first!.state.startDate },
    });
    expect(second!.id).not.toBe(first!.id);
    expect(second!.state.histories[0]!.state).toBe('CREATED');
    // Only the last execution tells the parent how it ended.
    const ends = chain.actions.filter((a) => a.action.type === 'emit' && a.action.envelope.event.type === 'subflowEnded');
    expect(ends.map((a) => a.executionId)).toEqual([second!.id]);
  });

  it('stops retrying once an execution succeeds', () => {
    const chain = new Chain(flow(taskRetry('maxAttempt: 5\ninterval: PT1S')), (executionId) => (executionId === 'exec-1' ? 'FAILED' : 'SUCCESS')).run();
    expect(chain.states()).toEqual(['RETRIED', 'SUCCESS']);
  });

  it('a retry on a flowable marks the flowable RETRIED and kills what else runs', () => {
    const yaml =
      `tasks:\n  - id: par\n    type: io.kestra.plugin.core.flow.Parallel\n    retry:\n      behavior: CREATE_NEW_EXECUTION\n      type: constant\n      interval: PT1S\n      maxAttempt: 2\n` +
      `    tasks:\n      - id: fail\n        type: io.kestra.plugin.core.execution.Fail\n      - id: slow\n        type: io.kestra.plugin.core.log.Log\n        message: x\n`;
    const chain = new Chain(flow(yaml), (executionId, taskId) => (taskId === 'slow' && executionId === 'exec-1' ? 'hold' : 'FAILED')).run();
    const first = chain.list[0]!;
    const stateOf = (taskId: string) => first.taskRunList.find((r) => r.taskId === taskId)!.state.current;
    expect([stateOf('par'), stateOf('fail'), stateOf('slow')]).toEqual(['RETRIED', 'RETRIED', 'KILLED']);
    const slowRun = first.taskRunList.find((r) => r.taskId === 'slow')!;
    expect(chain.actions.some((a) => a.executionId === first.id && a.action.type === 'killJobs' && a.action.taskRunIds.includes(slowRun.id))).toBe(true);
    expect(chain.states()).toEqual(['RETRIED', 'FAILED']);
  });

  it('does not run the errors branch of an execution that is retried, only of the last one', () => {
    const chain = new Chain(flow(`${taskRetry('maxAttempt: 2\ninterval: PT1S')}errors:\n  - id: alert\n    type: io.kestra.plugin.core.log.Log\n    message: failed\n`), (_, taskId) => (taskId === 'alert' ? 'SUCCESS' : 'FAILED')).run();
    expect(chain.list.map((e) => e.taskRunList.map((r) => r.taskId))).toEqual([['fail'], ['fail', 'alert']]);
  });
});

describe('nextRetryDelay for executions', () => {
  const policy = { type: 'constant', interval: 'PT10S', maxAttempt: 3, behavior: 'CREATE_NEW_EXECUTION' } as const;
  it('allows the next execution until maxAttempt executions ran', () => {
    expect(nextRetryDelay(policy, 1, 0, 0)).toBe(10_000);
    expect(nextRetryDelay(policy, 2, 0, 20_000)).toBe(10_000);
    expect(nextRetryDelay(policy, 3, 0, 40_000)).toBeUndefined();
  });
});
