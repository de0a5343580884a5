import { createHash } from 'node:crypto';
import type { WorkerJob } from '@osprey/flow-model';
import type { KafkaConnection } from './kafka-connection.js';
import { kafkaPartitionOf } from './kafka-partitioner.js';
import { workerJobMessage } from './kafka-worker-job-records.js';
import { retryWhileTopicsSettle } from './kafka-worker-job-retry.js';
import type { OutgoingRecord } from './kafka-worker-job-writer.js';

/** Kafka refuses longer topic names. */
const MAX_TOPIC_LENGTH = 249;

/**
 * The job topic of a worker group: `<prefix>.worker-jobs.<group>`; jobs of no group stay on `<prefix>.worker-jobs`.
 * A group key too long for a topic name keeps its head and gets a hash of the whole key, so two keys never share one.
 */
export function workerJobTopicOf(workerJobs: string, group: string | null | undefined): string {
  if (group === null || group === undefined) return workerJobs;
  const topic = `${workerJobs}.${group}`;
  if (topic.length <= MAX_TOPIC_LENGTH) return topic;
  const hash = createHash('sha256').update(group).digest('hex').slice(0, 16);
  return `${workerJobs}.${group.slice(0, Math.max(0, MAX_TOPIC_LENGTH - workerJobs.length - hash.length - 2))}-${hash}`;
}

/**
 * The job topics of the worker-job queue: `worker-jobs` for jobs of no group and one topic per worker group, created
 * when a job of the group is first written or a worker of the group first takes. Each topic has its own consumer
 * group of competing workers (`<prefix>.workers`, `<prefix>.workers.<group>`), so only workers of a group fetch its jobs.
 */
export class KafkaWorkerJobTopics {
  private readonly creating = new Map<string, Promise<void>>();

  constructor(
    private readonly connection: KafkaConnection,
    /** Partition counts of the topics as created (shared with the queue's other topics). */
    private readonly partitionCounts: Map<string, number>,
  ) {}

  /** The default job topic (jobs of no group). */
  get base(): string {
    return this.connection.topics.workerJobs;
  }

  topicOf(group: string | null | undefined): string {
    return workerJobTopicOf(this.base, group);
  }

  /** Whether a topic is one of the job topics (the default one or a worker group's). */
  isJobTopic(topic: string): boolean {
    return topic === this.base || topic.startsWith(`${this.base}.`);
  }

  /** The consumer group of the workers that compete for a job topic's jobs. */
  consumerGroupOf(topic: string): string {
    return topic === this.base ? this.connection.groupId('workers') : this.connection.groupId(`workers.${topic.slice(this.base.length + 1)}`);
  }

  partitionsOf(topic: string): number {
    return this.partitionCounts.get(topic) ?? this.connection.options.partitions;
  }

  /** A job's record on its group's topic, in the partition of its key so that the write reports its offset. */
  record(job: WorkerJob, deliveries = 0): OutgoingRecord {
    const topic = this.topicOf(job.workerGroup);
    return { topic, message: { ...workerJobMessage(job, deliveries), partition: kafkaPartitionOf(job.id, this.partitionsOf(topic)) } };
  }

  /** Creates the topics of these jobs' groups when absent and learns their partition counts (before a write). */
  async prepare(jobs: readonly WorkerJob[]): Promise<void> {
    await Promise.all([...new Set(jobs.map((job) => this.topicOf(job.workerGroup)))].map((topic) => this.ensure(topic)));
  }

  /** Creates a job topic when absent (another process may be creating it too) and learns its partition count. */
  ensure(topic: string): Promise<void> {
    if (this.partitionCounts.has(topic)) return Promise.resolve();
    let creating = this.creating.get(topic);
    if (!creating) {
      creating = this.create(topic).finally(() => this.creating.delete(topic));
      this.creating.set(topic, creating);
    }
    return creating;
  }

  /** The default topic and every group topic that exists now. */
  async list(): Promise<string[]> {
    const admin = await this.connection.admin();
    const prefix = `${this.base}.`;
    const groups = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix)).sort();
    return [this.base, ...groups];
  }

  private async create(topic: string): Promise<void> {
    await this.connection.createTopics([{ topic }]);
    const admin = await this.connection.admin();
    const metadata = await retryWhileTopicsSettle(() => admin.fetchTopicMetadata({ topics: [topic] }));
    this.partitionCounts.set(topic, metadata.topics[0]!.partitions.length);
  }
}
