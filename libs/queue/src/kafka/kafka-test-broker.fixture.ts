import { randomUUID } from 'node:crypto';
import { KafkaConnection } from './kafka-connection.js';

/** The brokers of the Kafka test server (scripts/servers/kafka.mjs); fails, not skips, without them. */
export function testBrokers(): string[] {
  const brokers = process.env.OSPREY_TEST_KAFKA_BROKERS;
  if (!brokers) {
    throw new Error(
      'OSPREY_TEST_KAFKA_BROKERS is not set: run the tests through `npm test`, which starts the Kafka test server, or start it with `node scripts/servers/run.mjs kafka`',
    );
  }
  return brokers.split(',');
}

/** Deletes a test's topics and groups on a connection of its own (its queues are closed by then). */
export async function deleteTestTopics(topicPrefix: string): Promise<void> {
  const connection = new KafkaConnection({ brokers: testBrokers(), topicPrefix, instanceId: randomUUID(), onError: () => undefined });
  try {
    await connection.deleteTopics();
  } finally {
    await connection.close();
  }
}
