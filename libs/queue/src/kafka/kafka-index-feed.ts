import { setTimeout as wait } from 'node:timers/promises';
import type { Execution, LogEntry } from '@osprey/flow-model';
import type { Consumer } from 'kafkajs';
import { KafkaConnection, type KafkaQueueOptions } from './kafka-connection.js';
import { decodeExecutionState } from './kafka-execution-records.js';

/** Pause before a batch the indexer could not write is failed back to kafkajs, which fetches it again. */
const FAILED_BATCH_BACKOFF_MS = 1000;

/** What the indexer writes to the search server; log ids come from the record's place, so a redelivery overwrites. */
export interface KafkaIndexBatch {
  executions: Execution[];
  logs: (LogEntry & { id: string })[];
}

export interface KafkaIndexFeedOptions extends Omit<KafkaQueueOptions, 'instanceId'> {
  instanceId?: string;
  /** The indexers' consumer group: replicas share the partitions. */
  groupId: string;
  /** Writes a batch; offsets are committed only after it resolves (a rejection redelivers the batch). */
  onBatch: (batch: KafkaIndexBatch) => Promise<void>;
  /** Partitions handled at once (default 4). */
  concurrency?: number;
}

export interface KafkaIndexFeed {
  /** Records of `executions` and `logs` not yet indexed (end offsets minus the group's committed offsets). */
  lag(): Promise<number>;
  close(): Promise<void>;
}

/** The id of the log document a `logs` record becomes. */
export const logDocumentId = (topic: string, partition: number, offset: string | number): string => `${topic}-${partition}-${offset}`;

/**
 * The indexer's input: the executor's state records (`executions`, committed transactions only) and the logs,
 * read at least once by the group `groupId`. A failed `onBatch` is retried after a pause, without committing.
 */
export async function openKafkaIndexFeed(options: KafkaIndexFeedOptions): Promise<KafkaIndexFeed> {
  const connection = await KafkaConnection.open({ ...options, instanceId: options.instanceId ?? `indexer-${process.pid}-${Date.now()}` });
  const { topics } = connection;
  let consumer: Consumer | undefined;
  try {
    consumer = connection.consumer(options.groupId);
    const feed = consumer;
    // Batches of transaction markers only reach no handler: commit past them, or the lag never drops to 0.
    feed.on(feed.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize !== 0) return;
      const offset = String(Number(payload.lastOffset) + 1);
      feed.commitOffsets([{ topic: payload.topic, partition: payload.partition, offset }]).catch((error: unknown) => connection.options.onError(error));
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.executions, topics.logs], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: options.concurrency ?? 4,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
        if (batch.messages.length === 0) return;
        const indexed: KafkaIndexBatch = { executions: [], logs: [] };
        if (batch.topic === topics.executions) {
          // A compacted topic: only the latest state of each execution in the batch matters.
          const latest = new Map<string, Execution>();
          for (const message of batch.messages) {
            const state = decodeExecutionState(message.value);
            if (state) latest.set(state.execution.id, state.execution);
          }
          indexed.executions = [...latest.values()];
        } else {
          for (const message of batch.messages) {
            if (!message.value) continue;
            const entry = JSON.parse(message.value.toString('utf8')) as LogEntry;
            indexed.logs.push({ ...entry, id: logDocumentId(batch.topic, batch.partition, message.offset) });
          }
        }
        if (indexed.executions.length > 0 || indexed.logs.length > 0) {
          try {
            await options.onBatch(indexed);
          } catch (error) {
            connection.options.onError(error);
            // Back off, then fail the batch so kafkajs refetches it from the last committed offset.
            await heartbeat();
            await wait(FAILED_BATCH_BACKOFF_MS);
            throw error;
          }
        }
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }] }] });
      },
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  return {
    async lag() {
      const admin = await connection.admin();
      let lag = 0;
      for (const topic of [topics.executions, topics.logs]) {
        const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: options.groupId, topics: [topic] })]);
        for (const end of ends) {
          const done = committed[0]?.partitions.find((c) => c.partition === end.partition);
          const from = done && Number(done.offset) >= 0 ? Number(done.offset) : Number(end.low);
          lag += Math.max(0, Number(end.high) - from);
        }
      }
      return lag;
    },
    async close() {
      await connection.close();
    },
  };
}
