import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A variable the test servers set (OSPREY_TEST_*); fails, not skips, without it. */
export function testServerVariable(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through \`npm test\`, which starts the test servers (scripts/servers)`);
  return value;
}

/** The `queue` and `repository` sections of a Kafka + OpenSearch configuration on the test servers, under `prefix`. */
export function kafkaOpenSearchYaml(prefix: string, partitions = 2): string {
  return (
    `queue:\n  type: kafka\n  brokers: ${testServerVariable('OSPREY_TEST_KAFKA_BROKERS')}\n  topicPrefix: ${prefix}\n  partitions: ${partitions}\n` +
    `repository:\n  type: opensearch\n  url: ${testServerVariable('OSPREY_TEST_OPENSEARCH_URL')}\n  indexPrefix: ${prefix}\n`
  );
}

/** Writes `dir/osprey.yaml` for `server standalone` on Kafka + OpenSearch (data and local storage in `dir`); its path. */
export function writeKafkaOpenSearchConfig(dir: string, prefix: string): string {
  const config = join(dir, 'osprey.yaml');
  writeFileSync(config, `dataDir: ${join(dir, 'data')}\n${kafkaOpenSearchYaml(prefix)}storage:\n  type: local\n  basePath: ${join(dir, 'storage')}\n`);
  return config;
}
