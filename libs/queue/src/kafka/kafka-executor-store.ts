import {
  conditionWindowInboxKey,
  conditionWindowInboxKeyOf,
  conditionWindowKey,
  isTerminated,
  type ConditionWindowWrite,
  type Execution,
  type StoredConditionWindow,
} from '@osprey/flow-model';
import { ConditionWindowConflictError, VersionConflictError, type ConditionWindowCommit, type ExecutorCommit, type ExecutorStore } from '../ports.js';
import { conditionWindowsMessage, type FlowConditionWindowsRecord } from './kafka-condition-window-records.js';
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
 *
 * Precondition windows are kept per triggered flow in `condition-windows`, in the partition of the flow's window
 * inbox key: only that partition's owner reads and changes them, so their version checks run against its state as
 * an execution's do. Upstream results reach it as `preconditionResult` events under that key (routed windows).
 */
export class KafkaExecutorStore implements ExecutorStore {
  private readonly inflight = new Map<string, number>();
  /** Window inbox keys whose windows a commit is writing now. */
  private readonly windowsInflight = new Set<string>();
  readonly keepsConditionWindows = true;
  readonly routesConditionWindows = true;

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
    // A worker group's first job creates its topic: done before the version check, which must not await.
    await this.jobs.prepare(commit.jobs);
    const partition = await this.events.assertOwned(execution.id);
    await this.assertWindowsOwned(commit.conditionWindows ?? []);
    const stored = this.inflight.get(execution.id) ?? this.events.state(execution.id)?.execution.version;
    const actual = stored ?? 0;
    if ((commit.expectedVersion === 0 && stored !== undefined) || actual !== commit.expectedVersion) {
      throw new VersionConflictError(execution.id, commit.expectedVersion, actual);
    }
    // No await from the version checks to here: a concurrent commit sees these marks.
    const windows = this.nextWindows(commit.conditionWindows ?? [], commit.purgeConditionWindowsBefore);
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
        ...[...windows].map(([key, record]) => ({ topic: topics.conditionWindows, message: conditionWindowsMessage(key, record, options.partitions) })),
        ...commit.jobs.map((job) => this.jobs.jobRecord(job)),
        ...commit.events.map((event) => ({ topic: topics.executionEvents, message: executionEventMessage(event, options.partitions) })),
      ];
      const written = await this.writer.write(records, this.offsets(watermarks));
      this.events.noteWritten(written);
      this.jobs.noteWritten(written);
      for (const [key, record] of windows) this.events.conditionWindowsCommitted(key, record);
      this.events.committed(consumerId, execution.id, state, [...consumed]);
    } finally {
      this.inflight.delete(execution.id);
      for (const key of windows.keys()) this.windowsInflight.delete(key);
    }
    if (commit.cancelJobs.length > 0) await this.cancelJobs(commit.cancelJobs);
  }

  async acknowledge(consumerId: string, executionId: string, seqs: number[]): Promise<void> {
    await this.events.ensureStarted();
    const consumed = new Set(seqs.filter((seq) => this.events.pendingEvent(seq)));
    if (consumed.size > 0) await this.writer.write([], this.offsets(this.watermarks(consumed)));
    this.events.committed(consumerId, executionId, undefined, [...consumed]);
  }

  /** Reads windows of flows whose window inbox key's partition this process owns (KafkaPartitionNotOwnedError else). */
  async loadConditionWindows(keys: readonly string[]): Promise<Map<string, StoredConditionWindow>> {
    const found = new Map<string, StoredConditionWindow>();
    for (const key of new Set(keys)) {
      const inbox = conditionWindowInboxKeyOf(key);
      await this.events.assertOwned(inbox);
      const [, , conditionId] = JSON.parse(key) as [string, string, string];
      const stored = this.events.conditionWindows(inbox)?.windows[conditionId];
      if (stored) found.set(key, stored);
    }
    return found;
  }

  async commitConditionWindows(consumerId: string, commit: ConditionWindowCommit): Promise<void> {
    const partition = await this.events.assertOwned(commit.key);
    const foreign = commit.conditionWindows.find((write) => conditionWindowInboxKey(write.namespace, write.flowId) !== commit.key);
    if (foreign) throw new Error(`precondition window of ${foreign.namespace}.${foreign.flowId} committed under ${commit.key}`);
    const windows = this.nextWindows(commit.conditionWindows, commit.purgeConditionWindowsBefore, commit.key);
    try {
      const consumed = new Set(commit.consumed.filter((seq) => this.events.pendingEvent(seq)));
      const watermarks = this.watermarks(consumed);
      const floor = this.events.watermark(partition, consumed);
      if (floor !== undefined) watermarks.set(partition, floor);
      const record = windows.get(commit.key)!;
      // The events' partition commits its watermark, so the offsets pruned below are never redelivered.
      const own = [...consumed].filter((seq) => partitionOfSeq(seq) === partition).map(offsetOfSeq);
      record.consumedOffsets = [...new Set([...record.consumedOffsets, ...own])].filter((offset) => offset >= (floor ?? 0)).sort((a, b) => a - b);
      const { topics, options } = this.connection;
      const records: OutgoingRecord[] = [
        { topic: topics.conditionWindows, message: conditionWindowsMessage(commit.key, record, options.partitions) },
        ...commit.events.map((event) => ({ topic: topics.executionEvents, message: executionEventMessage(event, options.partitions) })),
      ];
      const written = await this.writer.write(records, this.offsets(watermarks));
      this.events.noteWritten(written);
      this.events.conditionWindowsCommitted(commit.key, record);
      this.events.committed(consumerId, commit.key, undefined, [...consumed]);
    } finally {
      for (const key of windows.keys()) this.windowsInflight.delete(key);
    }
  }

  private async assertWindowsOwned(writes: readonly ConditionWindowWrite[]): Promise<void> {
    for (const key of new Set(writes.map((write) => conditionWindowInboxKey(write.namespace, write.flowId)))) await this.events.assertOwned(key);
  }

  /**
   * The next record of each flow whose windows `writes` change (and of the flow of `key`), after each write's version
   * check against the stored window, with that flow's windows ended before `purgeBefore` dropped. Synchronous: it
   * marks the flows in flight (the caller unmarks them), and a commit of a flow in flight is a conflict.
   */
  private nextWindows(writes: readonly ConditionWindowWrite[], purgeBefore: number | undefined, key?: string): Map<string, FlowConditionWindowsRecord> {
    const byFlow = new Map<string, ConditionWindowWrite[]>(key ? [[key, []]] : []);
    for (const write of writes) {
      const flowKey = conditionWindowInboxKey(write.namespace, write.flowId);
      byFlow.set(flowKey, [...(byFlow.get(flowKey) ?? []), write]);
    }
    const next = new Map<string, FlowConditionWindowsRecord>();
    for (const [flowKey, flowWrites] of byFlow) {
      const current = this.events.conditionWindows(flowKey);
      const windows = { ...current?.windows };
      for (const write of flowWrites) {
        const actual = windows[write.conditionId]?.version ?? 0;
        if (actual !== write.expectedVersion || this.windowsInflight.has(flowKey)) {
          throw new ConditionWindowConflictError(conditionWindowKey(write.namespace, write.flowId, write.conditionId), write.expectedVersion, actual);
        }
        if (write.window) windows[write.conditionId] = { window: write.window, version: actual + 1 };
        else delete windows[write.conditionId];
      }
      if (flowWrites.length === 0 && this.windowsInflight.has(flowKey)) throw new ConditionWindowConflictError(flowKey, 0, 0);
      // Writes first: a decision that replaces an expired window keeps it from the purge.
      if (purgeBefore !== undefined) for (const [id, stored] of Object.entries(windows)) if (stored.window.end < purgeBefore) delete windows[id];
      next.set(flowKey, { revision: (current?.revision ?? 0) + 1, windows, consumedOffsets: current?.consumedOffsets ?? [] });
    }
    for (const flowKey of next.keys()) this.windowsInflight.add(flowKey);
    return next;
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
