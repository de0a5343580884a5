// Elasticsearch test server: one Elasticsearch node per run for the repository's contract suite on the
// Elasticsearch client (@elastic/elasticsearch): 8.19 by default, or the version OSPREY_TEST_ELASTICSEARCH_VERSION
// names ('7.17', '8.19', '9.5'; 9.5 needs java 21+ on PATH). Its jars come from Maven Central once per machine
// into <cacheDir>/elasticsearch/<version>/lib; the node is started by opensearch.mjs's launcher code, on free
// 127.0.0.1 ports with its data in the run folder. See README.md here and docs/backends.md.
import { join } from 'node:path';
import { DEFAULT_ELASTICSEARCH_VERSION, startElasticsearchNode } from './opensearch.mjs';

export const name = 'elasticsearch';

// Its contract suite is the only user, and it idles between requests: a small heap.
const HEAP = '256m';

let node;

export async function start({ cacheDir, runDir, log }) {
  const version = process.env.OSPREY_TEST_ELASTICSEARCH_VERSION || DEFAULT_ELASTICSEARCH_VERSION;
  const dataDir = join(runDir, 'node');
  node = await startElasticsearchNode({ version, cacheDir, dataDir, heap: HEAP, log });
  log(`Elasticsearch ${version} (pid ${node.pid}) on ${node.url}, data in ${dataDir}`);
  return { OSPREY_TEST_ELASTICSEARCH_URL: node.url, OSPREY_TEST_ELASTICSEARCH_VERSION: version };
}

export async function stop() {
  const current = node;
  node = undefined;
  await current?.stop();
}
