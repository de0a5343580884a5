export {
  KafkaClientError,
  KafkaConnection,
  kafkaTopics,
  resolveKafkaQueueOptions,
  type KafkaLogger,
  type KafkaQueueOptions,
  type KafkaTopics,
  type ResolvedKafkaQueueOptions,
} from './kafka-connection.js';
export { kafkaPartitioner, kafkaPartitionOf, murmur2 } from './kafka-partitioner.js';
export { KafkaBroadcastQueue } from './kafka-broadcast-queue.js';
export { coPartitionAssigner } from './kafka-co-partition-assigner.js';
export { KafkaExecutionEventQueue, KafkaPartitionNotOwnedError, type KafkaExecutionEventQueueOptions } from './kafka-execution-event-queue.js';
export { executionEventMessage, type ExecutionEventRecord, type ExecutionStateRecord } from './kafka-execution-records.js';
export { KafkaExecutorStore } from './kafka-executor-store.js';
export { KafkaFlowTable } from './kafka-flow-table.js';
export { logDocumentId, openKafkaIndexFeed, type KafkaIndexBatch, type KafkaIndexFeed, type KafkaIndexFeedOptions } from './kafka-index-feed.js';
export { KafkaLogSink } from './kafka-log-sink.js';
export { openKafkaQueue, type KafkaQueue, type OpenKafkaQueueOptions } from './open-kafka-queue.js';
export { KafkaWorkerJobQueue, openKafkaWorkerJobQueue, type KafkaWorkerJobQueueOptions, type KafkaWorkerJobQueueSettings } from './kafka-worker-job-queue.js';
