import { loadConfig } from './config.js';

describe('loadConfig: Kafka, OpenSearch and Redis backends', () => {
  const ha = {
    OSPREY_QUEUE_TYPE: 'kafka',
    OSPREY_QUEUE_BROKERS: 'kafka-0:9092, kafka-1:9092',
    OSPREY_REPOSITORY_TYPE: 'opensearch',
    OSPREY_REPOSITORY_URL: 'http://opensearch:9200',
  };

  it('reads the high-availability backends from the environment, with defaults', () => {
    const config = loadConfig({ env: { ...ha, OSPREY_QUEUE_PARTITIONS: '16', OSPREY_REPOSITORY_INDEX_PREFIX: 'prod' } });
    expect(config.queue).toEqual({ type: 'kafka', brokers: ['kafka-0:9092', 'kafka-1:9092'], topicPrefix: 'osprey', partitions: 16, replicationFactor: 1, clientId: 'osprey', ssl: false, sessionTimeoutMs: 10_000 });
    expect(config.repository).toEqual({ type: 'opensearch', url: 'http://opensearch:9200', indexPrefix: 'prod', replicas: 0, requestTimeoutMs: 30_000, startWaitMs: 120_000 });
    expect(config.workerQueue).toEqual({ type: 'queue' });
  });

  it('takes Elasticsearch as the search repository, with the same settings and the same pairing with Kafka', () => {
    const config = loadConfig({ env: { ...ha, OSPREY_REPOSITORY_TYPE: 'elasticsearch', OSPREY_REPOSITORY_URL: 'https://es:9200', OSPREY_REPOSITORY_USERNAME: 'elastic', OSPREY_REPOSITORY_PASSWORD: 's' } });
    expect(config.repository).toEqual({ type: 'elasticsearch', url: 'https://es:9200', indexPrefix: 'osprey', replicas: 0, username: 'elastic', password: 's', requestTimeoutMs: 30_000, startWaitMs: 120_000 });
    expect(() => loadConfig({ env: { OSPREY_REPOSITORY_TYPE: 'elasticsearch', OSPREY_REPOSITORY_URL: 'http://es:9200' } })).toThrow(/queue\.type: must be kafka when repository\.type is elasticsearch/);
    expect(() => loadConfig({ env: { ...ha, OSPREY_REPOSITORY_TYPE: 'elasticsearch', OSPREY_REPOSITORY_URL: 'es:9200' } })).toThrow(/repository\.url: an http\(s\):\/\/host\[:port\] URL such as http:\/\/elasticsearch:9200/);
  });

  it('puts worker jobs on Redis with any queue backend', () => {
    const config = loadConfig({ env: { OSPREY_WORKER_QUEUE_TYPE: 'redis', OSPREY_WORKER_QUEUE_URL: 'redis://redis:6379', OSPREY_WORKER_CONCURRENCY: '4' } });
    expect(config.workerQueue).toEqual({ type: 'redis', url: 'redis://redis:6379', prefix: 'osprey' });
    expect(config.worker.concurrency).toBe(4);
    expect(config.queue.type).toBe('sqlite');
  });

  it('keeps the repository in the SQLite file of the queue, where the executor writes executions', () => {
    const config = loadConfig({ env: { OSPREY_QUEUE_PATH: '/var/osprey/main.db', OSPREY_WORKER_QUEUE_TYPE: 'redis', OSPREY_WORKER_QUEUE_URL: 'redis://r:6379' } });
    expect(config.repository).toEqual({ type: 'sqlite', path: '/var/osprey/main.db' });
    expect(() => loadConfig({ env: { OSPREY_QUEUE_PATH: 'a.db', OSPREY_REPOSITORY_PATH: 'b.db' } })).toThrow(/repository\.path: must name the same SQLite file as queue\.path \(a\.db\)/);
  });

  it('names the setting that does not fit', () => {
    expect(() => loadConfig({ env: { ...ha, OSPREY_QUEUE_BROKERS: 'kafka-0' } })).toThrow(/queue\.brokers\.0: a broker as host:port/);
    expect(() => loadConfig({ env: { OSPREY_QUEUE_TYPE: 'kafka', OSPREY_QUEUE_BROKERS: 'k:9092' } })).toThrow(/repository\.type: must be opensearch or elasticsearch/);
    expect(() => loadConfig({ env: { OSPREY_REPOSITORY_TYPE: 'opensearch', OSPREY_REPOSITORY_URL: 'http://os:9200' } })).toThrow(/queue\.type: must be kafka/);
    expect(() => loadConfig({ env: { ...ha, OSPREY_QUEUE_SASL_USERNAME: 'osprey' } })).toThrow(/queue\.saslPassword: saslMechanism, saslUsername and saslPassword go together/);
    expect(() => loadConfig({ env: { ...ha, OSPREY_REPOSITORY_USERNAME: 'admin' } })).toThrow(/repository\.password: username and password go together/);
    expect(() => loadConfig({ env: { OSPREY_WORKER_QUEUE_TYPE: 'redis', OSPREY_WORKER_QUEUE_URL: 'http://redis' } })).toThrow(/workerQueue\.url/);
  });

  it('takes a worker group on every queue, and refuses one that is not a group key, naming worker.group', () => {
    expect(loadConfig({ env: { OSPREY_WORKER_GROUP: 'gpu_1' } }).worker.group).toBe('gpu_1');
    expect(loadConfig({ env: {} }).worker.group).toBeUndefined();
    expect(() => loadConfig({ env: { OSPREY_WORKER_GROUP: 'gpu 1' } })).toThrow(/worker\.group: letters, digits, underscores and hyphens/);
    expect(loadConfig({ env: { ...ha, OSPREY_WORKER_GROUP: 'gpu' } }).worker.group).toBe('gpu');
    expect(loadConfig({ env: { OSPREY_WORKER_GROUP: 'gpu', OSPREY_WORKER_QUEUE_TYPE: 'redis', OSPREY_WORKER_QUEUE_URL: 'redis://r:6379' } }).worker.group).toBe('gpu');
  });
});
