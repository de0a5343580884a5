// Starts and stops the test servers of scripts/servers/*.mjs (see README.md in this folder).
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export async function startServers(only) {
  const cacheDir = process.env.OSPREY_CACHE_DIR ?? join(homedir(), '.cache', 'osprey');
  mkdirSync(cacheDir, { recursive: true });
  const runDir = mkdtempSync(join(tmpdir(), 'osprey-servers-'));
  const modules = readdirSync(here)
    .filter((f) => f.endsWith('.mjs') && !['index.mjs', 'run.mjs'].includes(f) && !f.startsWith('_'))
    .sort();
  const started = [];
  const env = {};
  const log = (name) => (message) => console.log(`[${name}] ${message}`);
  for (const file of modules) {
    const server = await import(pathToFileURL(join(here, file)).href);
    if (only && !only.includes(server.name)) continue;
    const t0 = Date.now();
    try {
      const vars = await server.start({ cacheDir, runDir: join(runDir, server.name), log: log(server.name) });
      Object.assign(env, vars);
      started.push(server);
      console.log(`[${server.name}] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      console.log(`[${server.name}] could not start: ${error instanceof Error ? error.message : error}`);
      env[`OSPREY_TEST_${server.name.toUpperCase()}_ERROR`] = String(error instanceof Error ? error.message : error);
    }
  }
  return {
    env,
    async stop() {
      for (const server of started.reverse()) {
        try {
          await server.stop();
        } catch (error) {
          console.log(`[${server.name}] stop failed: ${error instanceof Error ? error.message : error}`);
        }
      }
    },
  };
}
