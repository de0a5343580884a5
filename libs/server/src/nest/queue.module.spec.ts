import { loadConfig } from '../config.js';
import { OpenedAdapters } from './opened-adapters.js';
import { kafkaClientOptions } from './queue.module.js';

describe('kafkaClientOptions', () => {
  const kafka = { OSPREY_QUEUE_TYPE: 'kafka', OSPREY_QUEUE_BROKERS: 'kafka-0:9093', OSPREY_REPOSITORY_TYPE: 'opensearch', OSPREY_REPOSITORY_URL: 'http://opensearch:9200' };
  const backend = { instanceId: 'i-1', onError: () => undefined, relayWorkerJobs: false, executorFlows: false, opened: new OpenedAdapters() };

  it('hands the TLS and SASL settings of the configuration to the Kafka client', () => {
    const config = loadConfig({
      env: { ...kafka, OSPREY_QUEUE_SSL: 'true', OSPREY_QUEUE_SASL_MECHANISM: 'scram-sha-512', OSPREY_QUEUE_SASL_USERNAME: 'osprey', OSPREY_QUEUE_SASL_PASSWORD: 's3cret', OSPREY_QUEUE_SESSION_TIMEOUT_MS: '20000' },
    });
    expect(kafkaClientOptions(config, backend)).toMatchObject({
      brokers: ['kafka-0:9093'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'osprey', password: 's3cret' },
      sessionTimeoutMs: 20_000,
    });
  });

  it('connects in plaintext without SASL by default', () => {
    const options = kafkaClientOptions(loadConfig({ env: kafka }), backend);
    expect(options.ssl).toBe(false);
    expect(options).not.toHaveProperty('sasl');
  });
});
