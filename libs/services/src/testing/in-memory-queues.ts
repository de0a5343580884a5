import { setTimeout as wait } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { newState, type ExecutionEventEnvelope, type Task, type TaskResultEvent, type WorkerJob } from '@osprey/flow-model';
import type { BroadcastMessage, BroadcastQueue, ClaimedEvent, ExecutionEventQueue, LeasedJob, WorkerJobQueue } from '@osprey/queue';
import { createLogger, type Logger } from '@osprey/server';

/** In-memory fakes of the queue ports for the transport's pure-logic tests (never in the build: src/testing is excluded). */

export type LogLine = { level: string; msg: string; err?: { message: string } } & Record<string, unknown>;

export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write: (chunk, _e, cb) => {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as LogLine);
      cb();
    },
  });
  return { logger: createLogger({ service: 'test', instance: 'test', level: 'debug', destination }), lines };
}

export async function until<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await wait(5);
  }
}

/** Execution events: claimed per execution by one consumer until released or consumed. */
export class FakeEventQueue implements ExecutionEventQueue {
  private seq = 0;
  readonly pending: ClaimedEvent[] = [];
  readonly claimedBy = new Map<string, string>();
  readonly claims: number[] = [];
  readonly releases: string[][] = [];
  readonly idleWaits: number[] = [];
  failClaims = 0;

  async emit(envelopes: ExecutionEventEnvelope[]): Promise<void> {
    for (const e of envelopes) this.pending.push({ seq: ++this.seq, executionId: e.executionId, event: e.event });
  }

  async claim(consumerId: string, maxExecutions: number): Promise<ClaimedEvent[]> {
    if (this.failClaims > 0) {
      this.failClaims--;
      throw new Error('the queue is unreachable');
    }
    const executions: string[] = [];
    for (const e of this.pending) {
      if (this.claimedBy.has(e.executionId) || executions.includes(e.executionId)) continue;
      if (executions.length === maxExecutions) break;
      executions.push(e.executionId);
    }
    for (const id of executions) this.claimedBy.set(id, consumerId);
    const claimed = this.pending.filter((e) => executions.includes(e.executionId));
    this.claims.push(claimed.length);
    return claimed;
  }

  /** What a committing handler does: the events are consumed and the claim ends. */
  consume(executionId: string): void {
    for (let i = this.pending.length - 1; i >= 0; i--) if (this.pending[i]!.executionId === executionId) this.pending.splice(i, 1);
    this.claimedBy.delete(executionId);
  }

  async release(_consumerId: string, executionIds: string[]): Promise<void> {
    this.releases.push(executionIds);
    for (const id of executionIds) this.claimedBy.delete(id);
  }

  async waitForEvents(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.idleWaits.push(timeoutMs);
    await wait(Math.min(timeoutMs, 20), undefined, { signal });
  }

  async depth(): Promise<number> {
    return this.pending.length;
  }
}

export function workerJob(id: string): WorkerJob {
  const now = new Date();
  const task: Task = { id: `task-${id}`, type: 'io.kestra.plugin.core.log.Log' };
  return {
    id: `${id}:1`,
    executionId: `exec-${id}`,
    namespace: 'io.osprey.tests',
    flowId: 'transport',
    flowRevision: 1,
    taskRun: { id, executionId: `exec-${id}`, namespace: 'io.osprey.tests', flowId: 'transport', taskId: task.id, attempts: [{ state: newState(now) }], state: newState(now) },
    attempt: 1,
    task,
    variables: {},
  };
}

/** Worker jobs with leases; `lost` names the job ids whose next renewal finds them gone. */
export class FakeJobQueue implements WorkerJobQueue {
  readonly pending: WorkerJob[] = [];
  readonly leased = new Map<string, LeasedJob>();
  readonly takes: number[] = [];
  readonly givenBack: string[] = [];
  readonly renewed: string[][] = [];
  readonly lost = new Set<string>();

  async publish(jobs: WorkerJob[]): Promise<void> {
    this.pending.push(...jobs);
  }

  async take(workerId: string, max: number, leaseMs: number): Promise<LeasedJob[]> {
    this.takes.push(max);
    return this.pending.splice(0, max).map((job) => {
      const lease = { job, workerId, deliveries: 1, leaseUntil: Date.now() + leaseMs };
      this.leased.set(job.id, lease);
      return lease;
    });
  }

  async renew(_workerId: string, jobIds: string[]): Promise<string[]> {
    this.renewed.push(jobIds);
    return jobIds.filter((id) => this.lost.has(id));
  }

  async complete(lease: LeasedJob, _result: TaskResultEvent): Promise<void> {
    this.leased.delete(lease.job.id);
  }

  async giveBack(lease: LeasedJob): Promise<void> {
    this.givenBack.push(lease.job.id);
    this.leased.delete(lease.job.id);
    this.pending.push(lease.job);
  }

  async handOff(): Promise<void> {}

  async cancel(): Promise<string[]> {
    return [];
  }

  async waitForJobs(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await wait(Math.min(timeoutMs, 20), undefined, { signal });
  }

  async depth(): Promise<{ pending: number; running: number }> {
    return { pending: this.pending.length, running: this.leased.size };
  }
}

export class FakeBroadcast implements BroadcastQueue {
  private readonly handlers = new Set<(message: BroadcastMessage) => void>();

  async publish(message: BroadcastMessage): Promise<void> {
    for (const handler of this.handlers) handler(message);
  }

  subscribe(handler: (message: BroadcastMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  get subscribers(): number {
    return this.handlers.size;
  }
}

/** A promise with its resolve and reject at hand: a handler the test ends when it wants. */
export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
