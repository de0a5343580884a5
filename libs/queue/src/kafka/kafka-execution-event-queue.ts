import { isTerminated, type Execution, type ExecutionEvent, type ExecutionEventEnvelope } from '@osprey/flow-model';
import type { Batch, Consumer, Producer } from 'kafkajs';
import type { ClaimedEvent, ExecutionEventQueue } from '../ports.js';
import { coPartitionAssigner } from './kafka-co-partition-assigner.js';
import type { KafkaConnection } from './kafka-connection.js';
import { decodeConditionWindows, type FlowConditionWindowsRecord } from './kafka-condition-window-records.js';
import { decodeExecutionEvent, decodeExecutionState, executionEventMessage, type ExecutionStateRecord } from './kafka-execution-records.js';
import { kafkaPartitionOf } from './kafka-partitioner.js';
import { sendRecords, type WrittenRecord } from './kafka-worker-job-writer.js';

/** Seqs are `partition * 2^42 + offset`: unique per queue, ordered within an execution (one partition). */
const SEQ_PARTITION = 2 ** 42;
/** A wait on a condition looks again at least this often, should a change not wake it. */
const RECHECK_MS = 50;

export const seqOf = (partition: number, offset: number): number => partition * SEQ_PARTITION + offset;
export const partitionOfSeq = (seq: number): number => Math.floor(seq / SEQ_PARTITION);
export const offsetOfSeq = (seq: number): number => seq % SEQ_PARTITION;

/** This process does not own the partition of the execution (any more): another executor does. */
export class KafkaPartitionNotOwnedError extends Error {
  constructor(readonly executionId: string, readonly partition: number) {
    super(`execution ${executionId} is in partition ${partition}, which this executor does not own`);
    this.name = 'KafkaPartitionNotOwnedError';
  }
}

export interface PendingEvent {
  seq: number;
  partition: number;
  offset: number;
  executionId: string;
  event: ExecutionEvent;
  execution?: Execution;
  /** Epoch millis; 0 for an event due at once. */
  dueAt: number;
}

/** What this process knows of one owned partition (of `execution-events` and, co-assigned, the state topics). */
class OwnedPartition {
  /** The state partitions are read up to their end, and the committed event offset is known: claims may use it. */
  restored = false;
  /** End of the `executions` partition when it was assigned; restored once `statePosition` reaches it. */
  stateTarget: number | undefined;
  statePosition = 0;
  /** The same for the `condition-windows` partition. */
  windowsTarget: number | undefined;
  windowsPosition = 0;
  /** Next event offset to read (records below it are buffered or consumed); -1 until known. */
  position = -1;
  /** Fetched, not yet consumed events, in offset order. */
  readonly pending = new Map<number, PendingEvent>();
  readonly executionIds = new Set<string>();
  /** Window inbox keys of the flows whose windows this partition holds. */
  readonly windowKeys = new Set<string>();
}

interface Lock {
  owner: string;
  until: number;
}

export interface KafkaExecutionEventQueueOptions {
  /** How long `claim`/`depth` wait for this process's consumer to read what is already written (default 10 s). */
  catchUpTimeoutMs?: number;
  /** How long the first assignment and its restore may take at start (default 60 s). */
  startTimeoutMs?: number;
}

/**
 * The executor inbox on Kafka. One consumer per process in the group `<prefix>.executor` reads the co-assigned
 * partitions of `execution-events`, `executions` and `condition-windows`: the owned partitions are this process's
 * share of the executions and of the triggered flows' precondition windows. Fetched events stay in memory until a commit consumes them (delayed ones until due); the group's
 * committed offset of a partition is its lowest unconsumed event, so nothing is lost on a crash, and events
 * consumed above it are recorded in the execution's state record and skipped when redelivered. Claims are
 * per-consumer leases in memory, on top of the partition ownership.
 */
export class KafkaExecutionEventQueue implements ExecutionEventQueue {
  readonly groupId: string;
  private readonly consumer: Consumer;
  private readonly owned = new Map<number, OwnedPartition>();
  private readonly states = new Map<string, ExecutionStateRecord>();
  private readonly windows = new Map<string, FlowConditionWindowsRecord>();
  private readonly locks = new Map<string, Lock>();
  private readonly waiters = new Set<() => void>();
  /** Per partition, the offset after the last event this process wrote: reads wait for it (read-your-writes). */
  private readonly written = new Map<number, number>();
  private assigned = false;
  private rebalancing = false;
  private closed = false;
  private readonly catchUpTimeoutMs: number;
  private readonly startTimeoutMs: number;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly producer: Producer,
    options: KafkaExecutionEventQueueOptions = {},
  ) {
    this.groupId = connection.groupId('executor');
    this.catchUpTimeoutMs = options.catchUpTimeoutMs ?? 10_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.consumer = connection.consumer(this.groupId, { partitionAssigners: [coPartitionAssigner] });
  }

  private get partitions(): number {
    return this.connection.options.partitions;
  }

  private starting?: Promise<void>;

  /**
   * Joins the executor group on first use (a claim), so that processes which only emit events (webservers,
   * schedulers, workers) never take partitions they would not consume. Retried after a failed start.
   */
  ensureStarted(): Promise<void> {
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** Joins the executor group and waits until the first assignment is restored. */
  async start(): Promise<void> {
    const { topics } = this.connection;
    const { GROUP_JOIN, REBALANCING, END_BATCH_PROCESS, CRASH } = this.consumer.events;
    this.consumer.on(REBALANCING, () => {
      this.rebalancing = true;
    });
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.rebalancing = false;
      this.onAssignment(payload.memberAssignment[topics.executionEvents] ?? []);
    });
    // Batches of control records only (transaction markers) reach no handler but move the position.
    this.consumer.on(END_BATCH_PROCESS, ({ payload }) => this.advance(payload.topic, payload.partition, Number(payload.lastOffset) + 1));
    this.consumer.on(CRASH, ({ payload }) => {
      if (!this.closed) this.connection.options.onError(payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topics.executionEvents, topics.executions, topics.conditionWindows], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => this.onBatch(batch) });
    await this.until(() => this.assigned && [...this.owned.values()].every((p) => p.restored), this.startTimeoutMs);
    if (!this.assigned) throw new Error(`Kafka executor group ${this.groupId}: no partition assignment within ${this.startTimeoutMs} ms`);
  }

  async emit(events: ExecutionEventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const topic = this.connection.topics.executionEvents;
    this.noteWritten(await sendRecords(this.producer, events.map((e) => ({ topic, message: executionEventMessage(e, this.partitions) }))));
  }

  /**
   * Records where events written by this process landed, so the next claim waits until the consumer has read
   * them: right after a transaction commits, its markers may not be written yet and the end offset lags.
   */
  noteWritten(records: readonly WrittenRecord[]): void {
    for (const { topic, partition, offset } of records) {
      if (topic !== this.connection.topics.executionEvents || offset < 0) continue;
      this.written.set(partition, Math.max(this.written.get(partition) ?? 0, offset + 1));
    }
  }

  async claim(consumerId: string, maxExecutions: number, leaseMs: number): Promise<ClaimedEvent[]> {
    await this.ensureStarted();
    await this.catchUp();
    const now = Date.now();
    const due = new Map<string, PendingEvent[]>();
    for (const partition of this.owned.values()) {
      if (!partition.restored) continue;
      for (const pending of partition.pending.values()) {
        if (pending.dueAt > now) continue;
        const lock = this.locks.get(pending.executionId);
        if (lock && lock.until > now) continue;
        const state = this.states.get(pending.executionId);
        // Redelivered after a restart, but already applied: drop it (the next commit moves the offset past it).
        if (this.alreadyConsumed(pending)) {
          partition.pending.delete(pending.offset);
          continue;
        }
        // A timer of an ended execution can change nothing (as the SQL adapters drop them at the end).
        if (pending.dueAt > 0 && state && isTerminated(state.execution.state.current)) {
          partition.pending.delete(pending.offset);
          continue;
        }
        let events = due.get(pending.executionId);
        if (!events) due.set(pending.executionId, (events = []));
        events.push(pending);
      }
    }
    const chosen = [...due.values()].sort((a, b) => a[0]!.seq - b[0]!.seq).slice(0, maxExecutions);
    const claimed: ClaimedEvent[] = [];
    for (const events of chosen) {
      const executionId = events[0]!.executionId;
      this.locks.set(executionId, { owner: consumerId, until: now + leaseMs });
      const storedVersion = this.states.get(executionId)?.execution.version;
      for (const pending of events) {
        const event: ClaimedEvent = { seq: pending.seq, executionId, event: pending.event };
        if (pending.execution) event.execution = pending.execution;
        if (storedVersion !== undefined) event.storedVersion = storedVersion;
        claimed.push(event);
      }
    }
    return claimed;
  }

  async release(consumerId: string, executionIds: string[]): Promise<void> {
    for (const id of executionIds) this.unlock(consumerId, id);
    this.notify();
  }

  /** Also wakes when the earliest delayed event falls due, so a waiting executor needs no extra timer. */
  async waitForEvents(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return;
    const joining = this.starting === undefined;
    await this.ensureStarted();
    // Events that arrived while the group was being joined (or before this call) notified nobody: look first.
    if (joining) return;
    const now = Date.now();
    let wait = timeoutMs;
    for (const partition of this.owned.values()) {
      for (const pending of partition.pending.values()) {
        if (partition.restored && pending.dueAt <= now && !this.locks.has(pending.executionId)) return;
        if (pending.dueAt > now) wait = Math.min(wait, pending.dueAt - now + 1);
      }
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, wait));
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Owned partitions: the buffered events (exact, once caught up); others: end offset minus committed offset. */
  async depth(): Promise<number> {
    await this.catchUp();
    let depth = 0;
    const others: number[] = [];
    for (let partition = 0; partition < this.partitions; partition++) {
      const owned = this.owned.get(partition);
      if (owned?.restored) depth += owned.pending.size;
      else others.push(partition);
    }
    if (others.length === 0) return depth;
    const admin = await this.connection.admin();
    const topic = this.connection.topics.executionEvents;
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: this.groupId, topics: [topic] })]);
    for (const partition of others) {
      const end = ends.find((e) => e.partition === partition);
      const done = committed[0]?.partitions.find((c) => c.partition === partition);
      if (!end) continue;
      const from = done && Number(done.offset) >= 0 ? Number(done.offset) : Number(end.low);
      depth += Math.max(0, Number(end.high) - from);
    }
    return depth;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notify();
    this.connection.forget(this.consumer);
    await this.consumer.disconnect();
  }

  // ---- used by the executor store (same process) ----

  partitionOf(executionId: string): number {
    return kafkaPartitionOf(executionId, this.partitions);
  }

  /** Throws unless this process owns the execution's partition, restored, and no rebalance is under way. */
  async assertOwned(executionId: string): Promise<number> {
    await this.ensureStarted();
    const partition = this.partitionOf(executionId);
    // A rebalance may hand the partition to another executor: write nothing until the new assignment is known.
    if (this.rebalancing) await this.until(() => !this.rebalancing, this.connection.options.sessionTimeoutMs);
    if (!this.owned.get(partition)?.restored) throw new KafkaPartitionNotOwnedError(executionId, partition);
    return partition;
  }

  state(executionId: string): ExecutionStateRecord | undefined {
    return this.states.get(executionId);
  }

  /** The precondition windows of a flow, by its window inbox key, in a partition this process owns. */
  conditionWindows(key: string): FlowConditionWindowsRecord | undefined {
    return this.windows.get(key);
  }

  /** Applies a committed change of a flow's windows locally. */
  conditionWindowsCommitted(key: string, record: FlowConditionWindowsRecord): void {
    const partition = this.owned.get(this.partitionOf(key));
    if (!partition) return;
    const current = this.windows.get(key);
    if (!current || current.revision <= record.revision) this.windows.set(key, record);
    partition.windowKeys.add(key);
  }

  pendingEvent(seq: number): PendingEvent | undefined {
    return this.owned.get(partitionOfSeq(seq))?.pending.get(offsetOfSeq(seq));
  }

  /** The not yet due events of an execution (after reading what is written), which its end makes moot. */
  async pendingDelayed(executionId: string): Promise<PendingEvent[]> {
    const partition = this.partitionOf(executionId);
    await this.catchUp([partition]);
    const now = Date.now();
    return [...(this.owned.get(partition)?.pending.values() ?? [])].filter((e) => e.executionId === executionId && e.dueAt > now);
  }

  /** The committed offset a partition may move to once `consumed` (seqs) are gone: its lowest other unconsumed event. */
  watermark(partition: number, consumed: ReadonlySet<number>): number | undefined {
    const owned = this.owned.get(partition);
    if (!owned || owned.position < 0) return undefined;
    for (const pending of owned.pending.values()) if (!consumed.has(pending.seq)) return pending.offset;
    return owned.position;
  }

  /** Applies a committed decision locally: the new state, consumed events gone, the claim released. */
  committed(consumerId: string, executionId: string, state: ExecutionStateRecord | undefined, consumed: readonly number[]): void {
    const partition = this.owned.get(this.partitionOf(executionId));
    if (partition && state) {
      const current = this.states.get(executionId);
      if (!current || current.execution.version <= state.execution.version) this.states.set(executionId, state);
      partition.executionIds.add(executionId);
    }
    for (const seq of consumed) this.owned.get(partitionOfSeq(seq))?.pending.delete(offsetOfSeq(seq));
    this.unlock(consumerId, executionId);
    this.notify();
  }

  // ---- consumer side ----

  private onAssignment(partitions: number[]): void {
    const assigned = new Set(partitions);
    for (const [partition, owned] of this.owned) {
      if (assigned.has(partition)) continue;
      // Lost to another executor: forget its executions, events and claims (the new owner restores them).
      for (const id of owned.executionIds) {
        this.states.delete(id);
        this.locks.delete(id);
      }
      for (const key of owned.windowKeys) this.windows.delete(key);
      for (const pending of owned.pending.values()) this.locks.delete(pending.executionId);
      this.owned.delete(partition);
    }
    const fresh = partitions.filter((partition) => !this.owned.has(partition));
    for (const partition of fresh) this.owned.set(partition, new OwnedPartition());
    this.assigned = true;
    if (fresh.length > 0) this.restore(fresh).catch((error: unknown) => this.connection.options.onError(error));
    this.notify();
  }

  /** Learns where the new partitions end (state) and start (committed events); the consumer does the reading. */
  private async restore(partitions: number[]): Promise<void> {
    const admin = await this.connection.admin();
    const { executions, executionEvents, conditionWindows } = this.connection.topics;
    const [ends, committed, eventEnds, windowEnds] = await Promise.all([
      admin.fetchTopicOffsets(executions),
      admin.fetchOffsets({ groupId: this.groupId, topics: [executionEvents] }),
      admin.fetchTopicOffsets(executionEvents),
      admin.fetchTopicOffsets(conditionWindows),
    ]);
    for (const partition of partitions) {
      const owned = this.owned.get(partition);
      if (!owned) continue;
      const end = ends.find((e) => e.partition === partition);
      owned.stateTarget = end && Number(end.high) > Number(end.low) ? Number(end.high) : 0;
      const windowEnd = windowEnds.find((e) => e.partition === partition);
      owned.windowsTarget = windowEnd && Number(windowEnd.high) > Number(windowEnd.low) ? Number(windowEnd.high) : 0;
      const done = committed[0]?.partitions.find((c) => c.partition === partition);
      const low = Number(eventEnds.find((e) => e.partition === partition)?.low ?? 0);
      const from = done && Number(done.offset) >= 0 ? Number(done.offset) : low;
      owned.position = Math.max(owned.position, from);
      this.checkRestored(owned);
    }
  }

  private checkRestored(owned: OwnedPartition): void {
    if (owned.restored || owned.stateTarget === undefined || owned.windowsTarget === undefined || owned.position < 0) return;
    if (owned.statePosition >= owned.stateTarget && owned.windowsPosition >= owned.windowsTarget) {
      owned.restored = true;
      // Events fetched while restoring that were applied before (redelivered from the committed offset).
      for (const pending of [...owned.pending.values()]) if (this.alreadyConsumed(pending)) owned.pending.delete(pending.offset);
      this.notify();
    }
  }

  private advance(topic: string, partition: number, next: number): void {
    const owned = this.owned.get(partition);
    if (!owned || Number.isNaN(next)) return;
    if (topic === this.connection.topics.executions) {
      owned.statePosition = Math.max(owned.statePosition, next);
      this.checkRestored(owned);
    } else if (topic === this.connection.topics.conditionWindows) {
      owned.windowsPosition = Math.max(owned.windowsPosition, next);
      this.checkRestored(owned);
    } else if (topic === this.connection.topics.executionEvents && owned.position >= 0) {
      owned.position = Math.max(owned.position, next);
    }
    this.notify();
  }

  private async onBatch(batch: Batch): Promise<void> {
    const owned = this.owned.get(batch.partition);
    if (!owned) return;
    if (batch.topic === this.connection.topics.executions) {
      for (const message of batch.messages) {
        const id = message.key?.toString('utf8');
        if (!id) continue;
        const state = decodeExecutionState(message.value);
        const current = this.states.get(id);
        if (!state) this.states.delete(id);
        else if (!current || current.execution.version <= state.execution.version) this.states.set(id, state);
        owned.executionIds.add(id);
      }
    } else if (batch.topic === this.connection.topics.conditionWindows) {
      // Written only by this partition's owner; a record older than one this process committed is a lagging read.
      for (const message of batch.messages) {
        const key = message.key?.toString('utf8');
        if (!key) continue;
        const record = decodeConditionWindows(message.value);
        const current = this.windows.get(key);
        if (record && (!current || current.revision <= record.revision)) this.windows.set(key, record);
        owned.windowKeys.add(key);
      }
    } else {
      const now = Date.now();
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        // Refetched after a rebalance (kafkajs restarts at the committed offset): already buffered or consumed.
        if (owned.position >= 0 && offset < owned.position) continue;
        const record = decodeExecutionEvent(message.value);
        const executionId = message.key?.toString('utf8');
        if (!record || !executionId) continue;
        const pending: PendingEvent = { seq: seqOf(batch.partition, offset), partition: batch.partition, offset, executionId, event: record.event, dueAt: 0 };
        if (record.execution) pending.execution = record.execution;
        if (record.deliverAt !== undefined && record.deliverAt > now) pending.dueAt = record.deliverAt;
        if (owned.restored && this.alreadyConsumed(pending)) continue;
        owned.pending.set(offset, pending);
      }
      if (owned.position < 0 && batch.messages.length > 0) owned.position = Number(batch.messages[0]!.offset);
    }
    this.advance(batch.topic, batch.partition, Number(batch.lastOffset()) + 1);
  }

  private alreadyConsumed(pending: PendingEvent): boolean {
    const consumed = this.states.get(pending.executionId)?.consumedOffsets ?? this.windows.get(pending.executionId)?.consumedOffsets;
    return consumed?.includes(pending.offset) ?? false;
  }

  private unlock(consumerId: string, executionId: string): void {
    if (this.locks.get(executionId)?.owner === consumerId) this.locks.delete(executionId);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Waits until this process's consumer has read every event written so far in its (given) owned partitions. */
  async catchUp(only?: number[]): Promise<void> {
    const partitions = (only ?? [...this.owned.keys()]).filter((p) => this.owned.get(p)?.restored);
    if (partitions.length === 0 || this.closed) return;
    const admin = await this.connection.admin();
    const ends = await admin.fetchTopicOffsets(this.connection.topics.executionEvents);
    const targets = partitions.map(
      (partition) => [partition, Math.max(Number(ends.find((e) => e.partition === partition)?.high ?? 0), this.written.get(partition) ?? 0)] as const,
    );
    await this.until(() => targets.every(([partition, end]) => {
      const owned = this.owned.get(partition);
      return !owned || owned.position >= end;
    }), this.catchUpTimeoutMs);
  }

  /** Resolves when `condition` holds (checked on every change) or after `timeoutMs`. */
  private async until(condition: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition() && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(RECHECK_MS, Math.max(1, deadline - Date.now())));
        this.waiters.add(done);
      });
    }
  }
}
