import type { TaskResultEvent, WorkerJob } from '@osprey/flow-model';
import type { Producer } from 'kafkajs';
import type { Closable, LeasedJob, TakeOptions, WorkerJobQueue } from '../ports.js';
import { KafkaConnection, type KafkaQueueOptions } from './kafka-connection.js';
import { executionEventMessage } from './kafka-execution-records.js';
import { kafkaPartitionOf } from './kafka-partitioner.js';
import { KafkaWorkerJobBuffer, older, type BufferedJob, type KafkaWorkerJobBufferOptions } from './kafka-worker-job-buffer.js';
import { cancelKey, type KafkaCancelRecord, type KafkaHeartbeatRecord, type KafkaLeaseRecord } from './kafka-worker-job-records.js';
import { KafkaWorkerJobTables } from './kafka-worker-job-tables.js';
import { KafkaWorkerJobTopics } from './kafka-worker-job-topics.js';
import { retryWhileTopicsSettle } from './kafka-worker-job-retry.js';
import { KafkaWorkerJobWriter, sendRecords, type OutgoingRecord, type WrittenRecord } from './kafka-worker-job-writer.js';
import { KafkaWorkerLiveness, type KafkaWorkerLivenessOptions } from './kafka-worker-liveness.js';

export interface KafkaWorkerJobQueueSettings extends KafkaWorkerJobBufferOptions {
  liveness?: KafkaWorkerLivenessOptions;
}

export type KafkaWorkerJobQueueOptions = KafkaQueueOptions & KafkaWorkerJobQueueSettings;

/**
 * Worker jobs on Kafka. Competing processes share `worker-jobs` through the consumer group `<prefix>.workers`
 * (a job sits in one partition, so one process fetches it). A job of a worker group goes to its group's topic
 * `worker-jobs.<group>` instead, shared by the workers of that group only through `<prefix>.workers.<group>`. `take()` writes the lease to the compacted
 * `worker-job-leases` and commits the job's offset in one transaction: the job is then durably running and out of
 * the queue. `renew()` writes the worker's heartbeat (one record per worker, listing its jobs) to
 * `worker-heartbeats`; the liveness monitor requeues the jobs whose lease and heartbeat both ran out. `complete()`
 * emits the result to `execution-events` and tombstones the lease in one transaction.
 */
export class KafkaWorkerJobQueue implements WorkerJobQueue, Closable {
  private closed = false;

  private constructor(
    /** The client this queue runs on. */
    readonly connection: KafkaConnection,
    private readonly producer: Producer,
    private readonly transactional: Producer,
    private readonly writer: KafkaWorkerJobWriter,
    private readonly jobTopics: KafkaWorkerJobTopics,
    private readonly settings: KafkaWorkerJobBufferOptions,
    private readonly tables: KafkaWorkerJobTables,
    private readonly liveness: KafkaWorkerLiveness,
    /** The partition count of a topic, as created (not as configured here). */
    private readonly partitionsOf: (topic: string) => number,
  ) {}

  /** Starts the worker-job queue on a connection someone else owns (`openKafkaQueue`); `close()` leaves it open. */
  static async start(connection: KafkaConnection, settings: KafkaWorkerJobQueueSettings = {}): Promise<KafkaWorkerJobQueue> {
    const { topics, options } = connection;
    const admin = await connection.admin();
    const metadata = await retryWhileTopicsSettle(() =>
      admin.fetchTopicMetadata({ topics: [topics.workerJobs, topics.workerJobLeases, topics.workerHeartbeats, topics.executionEvents] }),
    );
    const partitionCounts = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
    const producer = await connection.producer();
    const transactional = await connection.transactionalProducer(`${options.topicPrefix}.worker-jobs.${options.instanceId}`);
    const jobTopics = new KafkaWorkerJobTopics(connection, partitionCounts);
    const writer = new KafkaWorkerJobWriter(transactional, jobTopics.consumerGroupOf(jobTopics.base));
    const tables = new KafkaWorkerJobTables(connection);
    const partitionsOf = (topic: string) => partitionCounts.get(topic) ?? options.partitions;
    const liveness = new KafkaWorkerLiveness(connection, tables, writer, (topic, key) => kafkaPartitionOf(key, partitionsOf(topic)), jobTopics, settings.liveness);
    const queue = new KafkaWorkerJobQueue(connection, producer, transactional, writer, jobTopics, settings, tables, liveness, partitionsOf);
    try {
      await tables.start();
      // The workers' groups are joined by the first take of each (see KafkaWorkerJobBuffer.ensureStarted).
      await liveness.start();
      return queue;
    } catch (error) {
      await queue.stop();
      throw error;
    }
  }

  /** Buffers by job topic, created on first use; a process joins a topic's workers' group only when it takes from it. */
  private readonly buffers = new Map<string, KafkaWorkerJobBuffer>();

  async publish(jobs: WorkerJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.prepare(jobs);
    this.noteWritten(await sendRecords(this.producer, jobs.map((job) => this.jobRecord(job))));
  }

  /** Creates the topics of the jobs' worker groups that do not exist yet: call before writing `jobRecord`s. */
  prepare(jobs: readonly WorkerJob[]): Promise<void> {
    return this.jobTopics.prepare(jobs);
  }

  /** A job's record on its worker group's topic, in the partition of its key, so that the write reports its offset (see noteWritten). */
  jobRecord(job: WorkerJob, deliveries = 0): OutgoingRecord {
    return this.jobTopics.record(job, deliveries);
  }

  /** Jobs this process wrote (also in the executor's transactions): a later take here waits until they are read. */
  noteWritten(records: readonly WrittenRecord[]): void {
    for (const record of records) if (this.jobTopics.isJobTopic(record.topic)) this.bufferOf(record.topic).noteWritten([record]);
  }

  /** Result events this process wrote are reported here (the executor inbox's read-your-writes). */
  onEventsWritten?: (records: WrittenRecord[]) => void;

  /**
   * Takes from the topic of the worker's group (`options.workerGroup`), joining its workers' group on the first take.
   * Without options, from every job topic there is, oldest job first.
   */
  async take(workerId: string, max: number, leaseMs: number, options?: TakeOptions): Promise<LeasedJob[]> {
    if (max <= 0 || this.closed) return [];
    const buffers = await this.buffersFor(options);
    await Promise.all(buffers.map((buffer) => buffer.ensureStarted()));
    await this.liveness.sweep();
    await Promise.all(buffers.map((buffer) => buffer.catchUp()));
    const taken: BufferedJob[] = [];
    const consumed = new Map<KafkaWorkerJobBuffer, BufferedJob[]>();
    while (taken.length < max) {
      const buffer = oldestOf(buffers);
      const entry = buffer?.next();
      if (!buffer || !entry) break;
      let ofBuffer = consumed.get(buffer);
      if (!ofBuffer) consumed.set(buffer, (ofBuffer = []));
      ofBuffer.push(entry);
      if (this.isObsolete(entry)) continue;
      taken.push(entry);
    }
    if (consumed.size === 0) return [];
    const leaseUntil = Date.now() + leaseMs;
    const leases: KafkaLeaseRecord[] = taken.map((entry) => ({
      kind: 'lease',
      jobId: entry.job.id,
      workerId,
      instanceId: this.connection.options.instanceId,
      job: entry.job,
      deliveries: entry.deliveries + 1,
      leaseUntil,
    }));
    const offsets = [...consumed].map(([buffer, entries]) => ({ buffer, offsets: buffer.offsetsOf(entries) }));
    let written: WrittenRecord[];
    try {
      written = await this.writer.write(
        leases.map((lease) => this.tableRecord(this.connection.topics.workerJobLeases, lease.jobId, JSON.stringify(lease))),
        offsets.flatMap((of) => of.offsets),
      );
    } catch (error) {
      for (const [buffer, entries] of consumed) buffer.restore(entries);
      throw error;
    }
    for (const of of offsets) of.buffer.consumed(of.offsets);
    // The lease starts when it is committed: a slow commit must not eat into the worker's time here. Other
    // processes go by the written deadline, a commit's latency earlier, which only matters for leases that short.
    const from = Date.now() + leaseMs;
    return leases.map((lease, i) => {
      lease.leaseUntil = from;
      this.tables.applyOwn(written[i]!, lease.jobId, JSON.stringify(lease));
      return { job: lease.job, workerId, deliveries: lease.deliveries, leaseUntil: from };
    });
  }

  /** A lease is lost once the job was requeued (and maybe taken by another worker), completed or given back. */
  async renew(workerId: string, jobIds: string[], leaseMs: number): Promise<string[]> {
    if (jobIds.length === 0) return [];
    const held = jobIds.filter((id) => this.tables.leases.get(id)?.workerId === workerId);
    if (held.length > 0) {
      const heartbeat: KafkaHeartbeatRecord = { workerId, instanceId: this.connection.options.instanceId, jobIds: held, until: Date.now() + leaseMs };
      const value = JSON.stringify(heartbeat);
      const record = this.tableRecord(this.connection.topics.workerHeartbeats, workerId, value);
      const [written] = await sendRecords(this.producer, [record]);
      this.tables.applyOwn(written!, workerId, JSON.stringify({ ...heartbeat, until: Date.now() + leaseMs }));
    }
    const kept = new Set(held);
    return jobIds.filter((id) => !kept.has(id));
  }

  /**
   * Delivers the result even when the lease was lost meanwhile: the executor ignores results of attempts it has
   * recorded, and dropping one would hang the execution. The job is done, so its lease goes, whoever holds it.
   */
  async complete(lease: LeasedJob, result: TaskResultEvent): Promise<void> {
    const { topics } = this.connection;
    const tombstone = this.tableRecord(topics.workerJobLeases, lease.job.id, null);
    const event = executionEventMessage({ executionId: lease.job.executionId, event: result }, this.partitionsOf(topics.executionEvents));
    const written = await this.writer.write([{ topic: topics.executionEvents, message: event }, tombstone]);
    this.onEventsWritten?.([written[0]!]);
    this.tables.applyOwn(written[1]!, lease.job.id, null);
  }

  async giveBack(lease: LeasedJob): Promise<void> {
    const current = this.tables.leases.get(lease.job.id);
    if (!current || current.workerId !== lease.workerId) return;
    await this.requeue([current]);
  }

  async handOff(leases: LeasedJob[]): Promise<void> {
    const held = leases.filter((lease) => this.tables.leases.get(lease.job.id)?.workerId === lease.workerId);
    if (held.length === 0) return;
    const tombstones = held.map((lease) => this.tableRecord(this.connection.topics.workerJobLeases, lease.job.id, null));
    const written = await this.writer.write(tombstones);
    held.forEach((lease, i) => this.tables.applyOwn(written[i]!, lease.job.id, null));
  }

  async cancel(taskRunIds: string[]): Promise<string[]> {
    if (taskRunIds.length === 0) return [];
    const at = Date.now();
    const records = taskRunIds.map((taskRunId) => {
      const cancel: KafkaCancelRecord = { kind: 'cancel', taskRunId, at };
      return this.tableRecord(this.connection.topics.workerJobLeases, cancelKey(taskRunId), JSON.stringify(cancel));
    });
    const written = await sendRecords(this.producer, records);
    records.forEach((record, i) => this.tables.applyOwn(written[i]!, String(record.message.key), record.message.value as string));
    const cancelled = new Set(taskRunIds);
    return [...this.tables.leases.values()].filter((lease) => cancelled.has(lease.job.taskRun.id)).map((lease) => lease.jobId);
  }

  /**
   * Waits on the topic of the worker's group (`options.workerGroup`); without options, on the topics this process took
   * from (`worker-jobs` before any take).
   */
  async waitForJobs(timeoutMs: number, signal?: AbortSignal, options?: TakeOptions): Promise<void> {
    if (signal?.aborted) return;
    let buffers: KafkaWorkerJobBuffer[];
    if (options) buffers = await this.buffersFor(options);
    else {
      buffers = [...this.buffers.values()].filter((buffer) => buffer.isStarted);
      if (buffers.length === 0) buffers = [this.bufferOf(this.jobTopics.base)];
    }
    if (buffers.length === 1) return buffers[0]!.waitForJobs(timeoutMs, signal);
    // The first buffer with a job ends every wait.
    const done = new AbortController();
    const stop = () => done.abort();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await Promise.race(buffers.map((buffer) => buffer.waitForJobs(timeoutMs, done.signal)));
    } finally {
      signal?.removeEventListener('abort', stop);
      done.abort();
    }
  }

  /** Pending, per job topic: the jobs buffered from owned partitions plus the lag of the others; running: the live leases. */
  async depth(): Promise<{ pending: number; running: number }> {
    await this.liveness.sweep();
    let pending = 0;
    for (const topic of await this.jobTopics.list()) {
      const buffer = this.bufferOf(topic);
      await buffer.catchUp();
      pending += buffer.count((entry) => !this.isObsolete(entry));
      if (!(await buffer.ownsAll())) pending += await buffer.lagElsewhere();
    }
    return { pending, running: this.tables.leases.size };
  }

  /** Gives back the jobs this process's workers hold (they run again at once elsewhere), then leaves the groups. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const instanceId = this.connection.options.instanceId;
    try {
      const held = [...this.tables.leases.values()].filter((lease) => lease.instanceId === instanceId);
      const heartbeats = [...this.tables.heartbeats.values()].filter((heartbeat) => heartbeat.instanceId === instanceId);
      if (held.length > 0 || heartbeats.length > 0) {
        await this.requeue(
          held,
          heartbeats.map((heartbeat) => this.tableRecord(this.connection.topics.workerHeartbeats, heartbeat.workerId, null)),
        );
      }
    } finally {
      await this.stop();
    }
  }

  /** The buffers a take with these options leases from: its worker group's, or (no options) every job topic's. */
  private async buffersFor(options: TakeOptions | undefined): Promise<KafkaWorkerJobBuffer[]> {
    if (!options) return (await this.jobTopics.list()).map((topic) => this.bufferOf(topic));
    const topic = this.jobTopics.topicOf(options.workerGroup);
    // A worker may start before any job of its group was written: its topic must exist to be subscribed to.
    await this.jobTopics.ensure(topic);
    return [this.bufferOf(topic)];
  }

  private bufferOf(topic: string): KafkaWorkerJobBuffer {
    let buffer = this.buffers.get(topic);
    if (!buffer) this.buffers.set(topic, (buffer = new KafkaWorkerJobBuffer(this.connection, topic, this.jobTopics.consumerGroupOf(topic), this.settings)));
    return buffer;
  }

  /** Skips jobs whose task run was cancelled, and stale copies of a job leased since (a lease newer than the record). */
  private isObsolete(entry: BufferedJob): boolean {
    if (this.tables.cancels.has(entry.job.taskRun.id)) return true;
    const lease = this.tables.leases.get(entry.job.id);
    return lease !== undefined && lease.deliveries > entry.deliveries;
  }

  /** Puts leased jobs back in the queue with their delivery counts and tombstones their leases, atomically. */
  private async requeue(leases: KafkaLeaseRecord[], extra: OutgoingRecord[] = []): Promise<void> {
    const { topics } = this.connection;
    // The partition counts of the jobs' topics (a take from every topic does not learn them).
    await this.prepare(leases.map((lease) => lease.job));
    const tombstones = [...leases.map((lease) => this.tableRecord(topics.workerJobLeases, lease.jobId, null)), ...extra];
    const jobs = leases.map((lease): OutgoingRecord => this.jobRecord(lease.job, lease.deliveries));
    const written = await this.writer.write([...tombstones, ...jobs]);
    this.noteWritten(written.slice(tombstones.length));
    tombstones.forEach((record, i) => this.tables.applyOwn(written[i]!, String(record.message.key), null));
  }

  /** A record of a compacted worker topic, in the key's partition so the write reports its offset. */
  private tableRecord(topic: string, key: string, value: string | null): OutgoingRecord {
    return { topic, message: { key, value, partition: kafkaPartitionOf(key, this.partitionsOf(topic)) } };
  }

  private async stop(): Promise<void> {
    const results = await Promise.allSettled([this.liveness.close(), ...[...this.buffers.values()].map((buffer) => buffer.close()), this.tables.close()]);
    await this.writer.idle();
    this.connection.forget(this.transactional);
    await this.transactional.disconnect().catch((error: unknown) => this.connection.options.onError(error));
    for (const result of results) if (result.status === 'rejected') this.connection.options.onError(result.reason);
  }
}

/** The buffer whose next job is the oldest. */
function oldestOf(buffers: readonly KafkaWorkerJobBuffer[]): KafkaWorkerJobBuffer | undefined {
  let oldest: { buffer: KafkaWorkerJobBuffer; head: BufferedJob } | undefined;
  for (const buffer of buffers) {
    const head = buffer.peek();
    if (head && (!oldest || older(head, oldest.head) < 0)) oldest = { buffer, head };
  }
  return oldest?.buffer;
}

/** A worker-job queue on its own connection (a worker process that needs nothing else of the Kafka queue). */
export async function openKafkaWorkerJobQueue(options: KafkaWorkerJobQueueOptions): Promise<KafkaWorkerJobQueue> {
  // Creating the topics can fail while fresh ones settle; a retry finds them and creates none.
  const connection = await retryWhileTopicsSettle(() => KafkaConnection.open(options));
  try {
    const queue = await KafkaWorkerJobQueue.start(connection, options);
    const close = queue.close.bind(queue);
    return Object.assign(queue, {
      close: async () => {
        try {
          await close();
        } finally {
          await connection.close();
        }
      },
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
}
