import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { openKafkaQueue } from './open-kafka-queue.js';
import { deleteTestTopics, testBrokers } from './kafka-test-broker.fixture.js';

// kafkajs retries a failed connection a few times before giving up.
jest.setTimeout(120_000);

/**
 * The test broker listens in plaintext without SASL: a queue configured for TLS or SASL must fail to open against it,
 * never fall back to a plain, unauthenticated connection.
 */
describe('Kafka connection security settings', () => {
  const options = () => ({ brokers: testBrokers(), topicPrefix: `sec${randomUUID().slice(0, 8)}`, instanceId: randomUUID(), partitions: 1 });

  it('opens in plaintext when neither TLS nor SASL is configured', async () => {
    const settings = options();
    const queue = await openKafkaQueue(settings);
    await queue.close();
    await deleteTestTopics(settings.topicPrefix);
  });

  it('speaks TLS when ssl is set: a plaintext broker is not reached', async () => {
    await expect(openKafkaQueue({ ...options(), ssl: true })).rejects.toThrow();
  });

  it('authenticates with SASL when configured: a broker without SASL refuses the handshake', async () => {
    await expect(openKafkaQueue({ ...options(), sasl: { mechanism: 'scram-sha-512', username: 'osprey', password: 'secret' } })).rejects.toThrow(/SASL|sasl/);
  });
});
