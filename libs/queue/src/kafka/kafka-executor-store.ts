import { isTerminated, type Execution, type StoredConditionWindow } from '@osprey/flow-model';
import { VersionConflictError, type ExecutorCommit, type ExecutorStore } from '../ports.js';
import type { KafkaConnection } from './kafka-connection.js';
import { offsetOfSeq, partitionOfSeq, type KafkaExecutionEventQueue } from './kafka-execution-event-queue.js';
import { executionEventMessage, executionStateMessage, type ExecutionStateRecord } from './kafka-execution-records.js';
import type { KafkaWorkerJobQueue } from './kafka-worker-job-queue.js';
import type { KafkaWorkerJobWriter, OutgoingRecord } from './kafka-worker-job-writer.js';

/**
 * The executor's write path on Kafka: each decision is ONE transaction of this process's transactional producer
 * (the execution's state record, its jobs, its outbound events, and the consumed events' offsets for the executor
 * group). Concurrent decisions share transactions. The version check runs against the state this process
 * restored and keeps (it owns the execution's partition), including decisions still in flight.
 */
export class KafkaExecutorStore implements ExecutorStore {
  private readonly inflight = new Map<string, number>();
  /** Windows are keyed by the triggered flow, not by an execution this process owns: not kept on Kafka yet. */
  readonly keepsConditionWindows = false;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly events: KafkaExecutionEventQueue,
    private readonly writer: KafkaWorkerJobWriter,
    /** Removes queued jobs of cancelled task runs (the worker-job queue's `cancel`). */
    private readonly cancelJobs: (taskRunIds: string[]) => Promise<unknown>,
    /** The worker-job queue of this process: places job records (on their worker group's topic) and learns where they landed. */
    private readonly jobs: Pick<KafkaWorkerJobQueue, 'prepare' | 'jobRecord' | 'noteWritten'>,
  ) {}

  async load(executionId: string): Promise<Execution | null> {
    await this.events.ensureStarted();
    return this.events.state(executionId)?.execution ?? null;
  }

  async commit(consumerId: string, commit: ExecutorCommit): Promise<void> {
    const { execution } = commit;
    if (commit.conditionWindows?.length) throw new Error('precondition windows are not kept on the Kafka backend');
    // A worker group's first job creates its topic: done before the version check, which must not await.
    await this.jobs.prepare(commit.jobs);
    const partition = await this.events.assertOwned(execution.id);
    const stored = this.inflight.get(execution.id) ?? this.events.state(execution.id)?.execution.version;
    const actual = stored ?? 0;
    if ((commit.expectedVersion === 0 && stored !== undefined) || actual !== commit.expectedVersion) {
      throw new VersionConflictError(execution.id, commit.expectedVersion, actual);
    }
    this.inflight.set(execution.id, execution.version);
    try {
      const consumed = new Set(commit.consumed.filter((seq) => this.events.pendingEvent(seq)));
      // Timers of an ended execution (retries, pause and flow timeouts) can change nothing: consume them now.
      if (isTerminated(execution.state.current)) for (const pending of await this.events.pendingDelayed(execution.id)) consumed.add(pending.seq);
      const { topics, options } = this.connection;
      const watermarks = this.watermarks(consumed);
      // The execution's own partition always commits its watermark, so the offsets pruned below are never redelivered.
      const floor = this.events.watermark(partition, consumed);
      if (floor !== undefined) watermarks.set(partition, floor);
      const previous = this.events.state(execution.id)?.consumedOffsets ?? [];
      const own = [...consumed].filter((seq) => partitionOfSeq(seq) === partition).map(offsetOfSeq);
      const state: ExecutionStateRecord = { execution, consumedOffsets: [...new Set([...previous, ...own])].filter((offset) => offset >= (floor ?? 0)).sort((a, b) => a - b) };
      const records: OutgoingRecord[] = [
        { topic: topics.executions, message: executionStateMessage(state, options.partitions) },
        ...commit.jobs.map((job) => this.jobs.jobRecord(job)),
        ...commit.events.map((event) => ({ topic: topics.executionEvents, message: executionEventMessage(event, options.partitions) })),
      ];
      const written = await this.writer.write(records, this.offsets(watermarks));
      this.events.noteWritten(written);
      this.jobs.noteWritten(written);
      this.events.committed(consumerId, execution.id, state, [...consumed]);
    } finally {
      this.inflight.delete(execution.id);
    }
    if (commit.cancelJobs.length > 0) await this.cancelJobs(commit.cancelJobs);
  }

  async acknowledge(consumerId: string, executionId: string, seqs: number[]): Promise<void> {
    await this.events.ensureStarted();
    const consumed = new Set(seqs.filter((seq) => this.events.pendingEvent(seq)));
    if (consumed.size > 0) await this.writer.write([], this.offsets(this.watermarks(consumed)));
    this.events.committed(consumerId, executionId, undefined, [...consumed]);
  }

  async loadConditionWindows(): Promise<Map<string, StoredConditionWindow>> {
    throw new Error('precondition windows are not kept on the Kafka backend');
  }

  /** Per partition touched by `consumed`: the offset the executor group may commit once they are gone. */
  private watermarks(consumed: ReadonlySet<number>): Map<number, number> {
    const watermarks = new Map<number, number>();
    for (const partition of new Set([...consumed].map(partitionOfSeq))) {
      const offset = this.events.watermark(partition, consumed);
      if (offset !== undefined) watermarks.set(partition, offset);
    }
    return watermarks;
  }

  private offsets(watermarks: Map<number, number>) {
    const topic = this.connection.topics.executionEvents;
    return [...watermarks].map(([partition, offset]) => ({ topic, partition, offset }));
  }
}
