import { homedir } from 'node:os';
import { join } from 'node:path';

export interface SearchNode {
  url: string;
  port: number;
  transportPort: number;
  stop(): Promise<void>;
}

interface SearchServerModule {
  startOpenSearchNode(options: { cacheDir: string; dataDir: string; port?: number; transportPort?: number }): Promise<SearchNode>;
}

/**
 * An OpenSearch node of the test's own (scripts/servers/opensearch.mjs installs it once per machine), so a test
 * can stop and restart it without taking the shared test server down. Restart with the previous node's ports.
 */
export async function startSearchNode(dataDir: string, previous?: Pick<SearchNode, 'port' | 'transportPort'>): Promise<SearchNode> {
  const modulePath = new URL('../../scripts/servers/opensearch.mjs', import.meta.url).href;
  const server = (await import(modulePath)) as SearchServerModule;
  const cacheDir = process.env.OSPREY_CACHE_DIR ?? join(homedir(), '.cache', 'osprey');
  return server.startOpenSearchNode({ cacheDir, dataDir, port: previous?.port, transportPort: previous?.transportPort });
}
