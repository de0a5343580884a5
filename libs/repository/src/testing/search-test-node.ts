import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** A search server node a spec runs for itself (scripts/servers/opensearch.mjs), with its data in a temp folder. */
export interface TestSearchNode {
  url: string;
  port: number;
  transportPort: number;
  dataDir: string;
  stop(): Promise<void>;
}

interface NodeOptions {
  cacheDir: string;
  dataDir: string;
  port?: number;
  transportPort?: number;
  heap?: string;
  version?: string;
}

interface SearchServerModule {
  startOpenSearchNode(options: NodeOptions): Promise<TestSearchNode>;
  startElasticsearchNode(options: NodeOptions): Promise<TestSearchNode>;
}

// The test server's own module: the shared node of `npm test` must not be stopped, so specs that need to stop a
// server, or another product, start a private node.
const SERVER_MODULE = new URL('../../../../scripts/servers/opensearch.mjs', import.meta.url).href;

/**
 * Starts a private node of `product`. Without `dataDir` a fresh temp folder is used and deleted by `stop`;
 * with one (a restart on the same data) the folder is kept.
 */
export async function startTestSearchNode(
  product: 'opensearch' | 'elasticsearch',
  options: { dataDir?: string; port?: number; transportPort?: number; heap?: string; /** Elasticsearch's: '7.17', '8.19' (default) or '9.5'. */ version?: string } = {},
): Promise<TestSearchNode> {
  const servers = (await import(SERVER_MODULE)) as SearchServerModule;
  const cacheDir = process.env.OSPREY_CACHE_DIR ?? join(homedir(), '.cache', 'osprey');
  const ownsData = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `osprey-${product}-`));
  const start = product === 'opensearch' ? servers.startOpenSearchNode : servers.startElasticsearchNode;
  try {
    const node = await start({ cacheDir, dataDir, port: options.port, transportPort: options.transportPort, heap: options.heap ?? '256m', version: options.version });
    return {
      ...node,
      dataDir,
      async stop() {
        await node.stop();
        if (ownsData) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (ownsData) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
