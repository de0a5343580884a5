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
