// `--backend kafka`: starts Kafka and OpenSearch with the test-server modules of scripts/servers/ (jars from Maven
// Central, cached per machine; fresh data folders, free ports) and writes the configuration `osprey server
// standalone` runs with: the high-availability backends in one process (queue on Kafka, repository on OpenSearch
// written by the indexer). The harness reads results from OpenSearch through the repository library (SearchReader).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServers } from '../scripts/servers/index.mjs';

export async function startKafkaBackend(dataDir) {
  const servers = await startServers(['kafka', 'opensearch']);
  const brokers = servers.env.OSPREY_TEST_KAFKA_BROKERS;
  const searchUrl = servers.env.OSPREY_TEST_OPENSEARCH_URL;
  if (!brokers || !searchUrl) {
    await servers.stop();
    const errors = ['KAFKA', 'OPENSEARCH'].map((name) => servers.env[`OSPREY_TEST_${name}_ERROR`]).filter(Boolean);
    throw new Error(`the Kafka and OpenSearch servers did not both start: ${errors.join('; ') || 'unknown error'}`);
  }
  const prefix = `bench-${Date.now().toString(36)}`;
  const config = join(dataDir, 'osprey.yaml');
  await writeFile(
    config,
    [
      `dataDir: ${dataDir}`,
      'queue:',
      '  type: kafka',
      `  brokers: ${brokers}`,
      `  topicPrefix: ${prefix}`,
      'repository:',
      '  type: opensearch',
      `  url: ${searchUrl}`,
      `  indexPrefix: ${prefix}`,
      'storage:',
      '  type: local',
      `  basePath: ${join(dataDir, 'storage')}`,
      '',
    ].join('\n'),
  );
  return { label: 'Kafka 3.9 + OpenSearch 2.19', searchUrl, indexPrefix: prefix, config, stop: () => servers.stop() };
}
