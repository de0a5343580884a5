import type { WorkerJob } from '@osprey/flow-model';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { KafkaConnection } from './kafka-connection.js';
import { DELIVERIES_HEADER, ORDER_HEADER, PUBLISHED_HEADER, headerNumber } from './kafka-worker-job-records.js';
import { retryWhileTopicsSettle } from './kafka-worker-job-retry.js';
import type { ConsumedOffset } from './kafka-worker-job-writer.js';

/** A job fetched from an owned partition of a job topic, not leased yet. */
export interface BufferedJob {
  partition: number;
  offset: number;
  job: WorkerJob;
  /** Hand-outs before this record (0 for a new job). */
  deliveries: number;
  timestamp: number;
  order: number;
}

interface PartitionBuffer {
  entries: BufferedJob[];
  /** Next offset to accept: lower ones are buffered already, or consumed. */
  position: number;
  /** Whether the committed offset is known (set after each group join). */
  ready: boolean;
  paused: boolean;
}

export interface KafkaWorkerJobBufferOptions {
  /** Longest `catchUp()` waits for the fetch to reach the end of the owned partitions (default 5000 ms). */
  catchUpMs?: number;
  /** Fetching of a partition pauses at this many buffered jobs (default 500). */
  maxBufferedPerPartition?: number;
}

/** How long opening waits for the first group join before going on (take() waits for it too). */
const JOIN_WAIT_MS = 15_000;

/** Orders jobs oldest first: by publish time, then by their order within the publishing process. */
export const older = (a: BufferedJob, b: BufferedJob) => a.timestamp - b.timestamp || a.order - b.order || a.offset - b.offset;

/**
 * The fetch side of the worker-job queue on one job topic: a member of the topic's competing group (`<prefix>.workers`
 * on `worker-jobs`, `<prefix>.workers.<group>` on a worker group's topic), buffering the jobs of the partitions the
 * group gave this process. Nothing is committed here: a job leaves the
 * queue when a take's transaction commits its offset with the lease. After every rebalance the buffer starts
 * over from the committed offsets, so a partition's jobs are never buffered by two processes at once for long.
 */
export class KafkaWorkerJobBuffer {
  private consumer: Consumer | undefined;
  private partitions = new Map<number, PartitionBuffer>();
  /** Offsets known to be consumed, per partition; they only grow. */
  private readonly floors = new Map<number, number>();
  private generation = 0;
  private joined = false;
  private readonly waiters = new Set<() => void>();
  private readonly catchUpMs: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly connection: KafkaConnection,
    /** The job topic this buffer fetches. */
    readonly topic: string,
    /** The competing workers' consumer group of the topic. */
    private readonly groupId: string,
    options: KafkaWorkerJobBufferOptions = {},
  ) {
    this.catchUpMs = options.catchUpMs ?? 5000;
    this.maxBuffered = options.maxBufferedPerPartition ?? 500;
  }

  private starting?: Promise<void>;

  /** Whether a take or a wait started the buffer (it is a member of the workers' group, or joining). */
  get isStarted(): boolean {
    return this.starting !== undefined;
  }

  /**
   * Joins the workers' group on first use (a take), so that processes which never take jobs (webservers,
   * schedulers, executors) hold no partition of the jobs topic. Retried after a failed start.
   */
  ensureStarted(): Promise<void> {
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  async start(): Promise<void> {
    const consumer = this.connection.consumer(this.groupId);
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.onJoin(payload.memberAssignment[this.topic] ?? []));
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // Batches of only transaction markers reach no handler: their offsets still count as read.
      const buffer = this.partitions.get(payload.partition);
      if (buffer && payload.topic === this.topic) this.advance(buffer, Number(payload.lastOffset) + 1);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.connection.options.onError(payload.error));
    await consumer.connect();
    await retryWhileTopicsSettle(() => consumer.subscribe({ topics: [this.topic], fromBeginning: true }));
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
    await this.waitFor(() => this.joined, JOIN_WAIT_MS);
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.wake();
    if (!consumer) return;
    this.connection.forget(consumer);
    await consumer.disconnect();
  }

  /** Waits (bounded) until every job written to the owned partitions before the call is buffered. */
  private readonly written = new Map<number, number>();

  /** Records where jobs written by this process landed, so a take right after the write waits until they are buffered. */
  noteWritten(records: readonly { topic: string; partition: number; offset: number }[]): void {
    for (const { topic, partition, offset } of records) {
      if (topic !== this.topic || offset < 0) continue;
      this.written.set(partition, Math.max(this.written.get(partition) ?? 0, offset + 1));
    }
  }

  async catchUp(): Promise<void> {
    if (!this.starting) return;
    const deadline = Date.now() + this.catchUpMs;
    await this.waitFor(() => this.joined, this.catchUpMs);
    const admin = await this.connection.admin();
    const ends = new Map((await retryWhileTopicsSettle(() => admin.fetchTopicOffsets(this.topic))).map((entry) => [entry.partition, Number(entry.high)]));
    await this.waitFor(
      () =>
        [...this.partitions].every(
          ([partition, buffer]) => buffer.ready && (buffer.paused || buffer.position >= Math.max(ends.get(partition) ?? 0, this.written.get(partition) ?? 0)),
        ),
      Math.max(0, deadline - Date.now()),
    );
  }

  /** Removes and returns the oldest buffered job (by publish time, partition order kept). */
  next(): BufferedJob | undefined {
    return this.oldest()?.entries.shift();
  }

  /** The job `next()` would return, left in the buffer. */
  peek(): BufferedJob | undefined {
    return this.oldest()?.entries[0];
  }

  private oldest(): PartitionBuffer | undefined {
    let oldest: PartitionBuffer | undefined;
    for (const buffer of this.partitions.values()) {
      const head = buffer.entries[0];
      if (head && buffer.ready && (!oldest || older(head, oldest.entries[0]!) < 0)) oldest = buffer;
    }
    return oldest;
  }

  /** Puts jobs taken by `next()` back in front (their lease was not written). */
  restore(entries: readonly BufferedJob[]): void {
    for (const entry of [...entries].reverse()) {
      const buffer = this.partitions.get(entry.partition);
      if (buffer && entry.offset >= (this.floors.get(entry.partition) ?? 0)) buffer.entries.unshift(entry);
    }
    this.wake();
  }

  /** The offsets to commit (for this topic's workers' group) for jobs taken by `next()`. */
  offsetsOf(entries: readonly BufferedJob[]): ConsumedOffset[] {
    const next = new Map<number, number>();
    for (const entry of entries) next.set(entry.partition, Math.max(entry.offset + 1, next.get(entry.partition) ?? 0));
    return [...next].map(([partition, offset]) => ({ topic: this.topic, partition, offset, groupId: this.groupId }));
  }

  /** Records committed offsets, and fetches again where the buffer has room. */
  consumed(offsets: readonly ConsumedOffset[]): void {
    for (const { partition, offset } of offsets) this.floors.set(partition, Math.max(offset, this.floors.get(partition) ?? 0));
    for (const [partition, buffer] of this.partitions) {
      if (buffer.paused && buffer.entries.length < this.maxBuffered / 2) {
        buffer.paused = false;
        this.consumer?.resume([{ topic: this.topic, partitions: [partition] }]);
      }
    }
  }

  /** The buffered jobs (of owned partitions) that `accept` counts. */
  count(accept: (entry: BufferedJob) => boolean): number {
    let count = 0;
    for (const buffer of this.partitions.values()) for (const entry of buffer.entries) if (accept(entry)) count++;
    return count;
  }

  /** Whether every partition of the topic is owned here (then the buffer is the whole queue). */
  async ownsAll(): Promise<boolean> {
    const admin = await this.connection.admin();
    const metadata = await retryWhileTopicsSettle(() => admin.fetchTopicMetadata({ topics: [this.topic] }));
    return metadata.topics[0]!.partitions.every((partition) => this.partitions.get(partition.partitionId)?.ready);
  }

  /** Jobs of partitions owned by other processes, from the group's committed offsets (transaction markers count too). */
  async lagElsewhere(): Promise<number> {
    const admin = await this.connection.admin();
    const [ends, [committed]] = await retryWhileTopicsSettle(() =>
      Promise.all([admin.fetchTopicOffsets(this.topic), admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] })]),
    );
    const at = new Map((committed?.partitions ?? []).map((entry) => [entry.partition, Number(entry.offset)]));
    let lag = 0;
    for (const end of ends) {
      if (this.partitions.has(end.partition)) continue;
      const from = at.get(end.partition) ?? -1;
      lag += Number(end.high) - (from >= 0 ? from : Number(end.low));
    }
    return lag;
  }

  hasJobs(): boolean {
    for (const buffer of this.partitions.values()) if (buffer.ready && buffer.entries.length > 0) return true;
    return false;
  }

  /** Resolves when a job is buffered (at once if one is), after `timeoutMs`, or when `signal` aborts. */
  async waitForJobs(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.ensureStarted();
    return this.waitFor(() => this.hasJobs() || !this.consumer, timeoutMs, signal);
  }

  private onJoin(assigned: number[]): void {
    const generation = ++this.generation;
    // The consumer fetches every owned partition again from its committed offset: start each buffer over.
    this.partitions = new Map(assigned.map((partition) => [partition, { entries: [], position: 0, ready: false, paused: false }]));
    this.joined = true;
    void this.loadFloors(generation).catch((error: unknown) => this.connection.options.onError(error));
  }

  private async loadFloors(generation: number): Promise<void> {
    const admin = await this.connection.admin();
    const [ends, [committed]] = await retryWhileTopicsSettle(() =>
      Promise.all([admin.fetchTopicOffsets(this.topic), admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] })]),
    );
    if (generation !== this.generation) return;
    const low = new Map(ends.map((entry) => [entry.partition, Number(entry.low)]));
    for (const entry of committed?.partitions ?? []) {
      const offset = Number(entry.offset);
      const floor = offset >= 0 ? offset : (low.get(entry.partition) ?? 0);
      this.floors.set(entry.partition, Math.max(floor, this.floors.get(entry.partition) ?? 0));
    }
    for (const [partition, buffer] of this.partitions) {
      const floor = this.floors.get(partition) ?? 0;
      buffer.entries = buffer.entries.filter((entry) => entry.offset >= floor);
      buffer.position = Math.max(buffer.position, floor);
      buffer.ready = true;
    }
    this.wake();
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    const buffer = this.partitions.get(batch.partition);
    if (!buffer || batch.topic !== this.topic) return;
    for (const message of batch.messages) {
      const offset = Number(message.offset);
      if (offset < buffer.position || offset < (this.floors.get(batch.partition) ?? 0)) continue;
      buffer.position = offset + 1;
      if (!message.value) continue;
      buffer.entries.push({
        partition: batch.partition,
        offset,
        job: JSON.parse(message.value.toString()) as WorkerJob,
        deliveries: headerNumber(message.headers, DELIVERIES_HEADER),
        timestamp: headerNumber(message.headers, PUBLISHED_HEADER) || Number(message.timestamp),
        order: headerNumber(message.headers, ORDER_HEADER),
      });
    }
    this.advance(buffer, Number(batch.lastOffset()) + 1);
    if (!buffer.paused && buffer.entries.length >= this.maxBuffered) {
      buffer.paused = true;
      this.consumer?.pause([{ topic: this.topic, partitions: [batch.partition] }]);
    }
    this.wake();
  }

  private advance(buffer: PartitionBuffer, next: number): void {
    if (next > buffer.position) {
      buffer.position = next;
      this.wake();
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves once `done()` holds (checked on every change), after `timeoutMs`, or when `signal` aborts. */
  private waitFor(done: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (done() || signal?.aborted || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(check);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }
}
