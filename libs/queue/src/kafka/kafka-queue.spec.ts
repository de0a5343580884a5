import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { broadcastQueueContract } from '../testing/broadcast-queue.contract.js';
import { executionEventQueueContract } from '../testing/execution-event-queue.contract.js';
import { executorStoreContract } from '../testing/executor-store.contract.js';
import { workerJobQueueContract } from '../testing/worker-job-queue.contract.js';
import { openKafkaQueue, type KafkaQueue, type OpenKafkaQueueOptions } from './open-kafka-queue.js';

jest.setTimeout(120_000);

function testBrokers(): string[] {
  const brokers = process.env.OSPREY_TEST_KAFKA_BROKERS;
  if (!brokers) {
    throw new Error(
      'OSPREY_TEST_KAFKA_BROKERS is not set: run the tests through `npm test`, which starts the Kafka test server, or start it with `node scripts/servers/run.mjs kafka`',
    );
  }
  return brokers.split(',');
}

/** Short sessions and sweeps: the machine is shared, but a test must not wait 10 s for a dead member. */
export function kafkaTestOptions(topicPrefix: string, instanceId = randomUUID()): OpenKafkaQueueOptions {
  return {
    brokers: testBrokers(),
    topicPrefix,
    instanceId,
    partitions: 4,
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 300,
    maxWaitTimeMs: 100,
    jobs: { liveness: { intervalMs: 50 } },
  };
}

/** A queue on a prefix of its own; closing deletes its topics and groups. */
async function openTestQueue(): Promise<KafkaQueue> {
  const queue = await openKafkaQueue(kafkaTestOptions(`t${randomUUID().slice(0, 8)}`));
  return {
    ...queue,
    close: async () => {
      await queue.close();
      await dropPrefix(queue.connection.options.topicPrefix);
    },
  };
}

async function dropPrefix(topicPrefix: string): Promise<void> {
  const { KafkaConnection } = await import('./kafka-connection.js');
  const connection = new KafkaConnection({ brokers: testBrokers(), topicPrefix, instanceId: 'cleanup' });
  try {
    await connection.deleteTopics();
  } finally {
    await connection.close();
  }
}

executionEventQueueContract('kafka', openTestQueue);
executorStoreContract('kafka', openTestQueue);
broadcastQueueContract('kafka', openTestQueue);
workerJobQueueContract('kafka', openTestQueue);
