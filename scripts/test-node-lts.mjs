// The second pass of `npm test`: the `unit`, `contract` and `ui` jest projects (every spec but the e2e ones)
// under Node NODE_LTS_VERSION from the npm registry, against the servers the first pass started.
// better-sqlite3 comes from its own build for that Node's ABI (scripts/node-runtime.mjs), reached through
// OSPREY_NATIVE_MODULES: jest.config.mjs maps the package there for test code, and node-lts-hooks.mjs
// does the same for the processes tests start, so the workspace's node_modules stays built for npm's Node.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jestTotals } from './jest-report.mjs';
import { NODE_LTS_VERSION, ensureBetterSqlite3, ensureNodeRuntime } from './node-runtime.mjs';

const hooks = fileURLToPath(new URL('node-lts-hooks.mjs', import.meta.url));

/** Runs the pass; returns { passed, failed, seconds } (a crash before jest's report counts as one failure). */
export function runUnitOnNodeLts({ env = {}, jestArgs = [] } = {}) {
  const t0 = Date.now();
  const log = (m) => console.log(`[node ${NODE_LTS_VERSION}] ${m}`);
  let nodeDir;
  let modules;
  try {
    nodeDir = ensureNodeRuntime(NODE_LTS_VERSION, { log });
    modules = ensureBetterSqlite3(nodeDir, { log });
  } catch (error) {
    log(`cannot prepare the runtime: ${error.message}`);
    return { passed: 0, failed: 1, seconds: (Date.now() - t0) / 1000 };
  }
  const out = mkdtempSync(join(tmpdir(), 'osprey-test-node-lts-'));
  const report = join(out, 'jest.json');
  log('running the unit, contract and ui projects...');
  const result = spawnSync(join(nodeDir, 'bin', 'node'), ['node_modules/jest/bin/jest.js', '--selectProjects', 'unit', 'contract', 'ui', '--passWithNoTests', '--json', `--outputFile=${report}`, ...jestArgs], {
    stdio: 'inherit',
    env: {
      ...process.env,
      ...env,
      OSPREY_NATIVE_MODULES: modules,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning --import=${hooks}`.trim(),
    },
  });
  const { passed, failed } = jestTotals(report, result.status);
  const seconds = (Date.now() - t0) / 1000;
  log(`${passed} passed, ${failed} failed in ${seconds.toFixed(0)} s`);
  return { passed, failed, seconds };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { failed } = runUnitOnNodeLts({ jestArgs: process.argv.slice(2) });
  process.exit(failed > 0 ? 1 : 0);
}
