// `npm test`: install what is missing, build (the web UI too), run every jest suite (unit, contract, e2e), then the
// unit and contract suites again under the Node LTS of the images, and end with one line `tests: N passed,
// M failed` summing them all.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, ensureDependencies } from './ensure-deps.mjs';
import { jestTotals } from './jest-report.mjs';
import { startServers } from './servers/index.mjs';
import { runUnitOnNodeLts } from './test-node-lts.mjs';

ensureDependencies();
build();

// Static checks count as one test each: tests and e2e code are type-checked (SWC runs them
// unchecked) and the whole tree is linted, module-boundary rules included.
const checks = [
  ['typecheck of tests', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.spec.json']],
  // The web UI is typed for the browser (DOM, JSX), apart from the Node projects; eslint below covers its .tsx.
  ['typecheck of the web UI', ['node_modules/typescript/bin/tsc', '-p', 'apps/ui/tsconfig.json', '--noEmit']],
  ['lint', ['node_modules/eslint/bin/eslint.js', '.']],
];
let checksPassed = 0;
let checksFailed = 0;
for (const [name, command] of checks) {
  console.log(`Running ${name}...`);
  const check = spawnSync(process.execPath, command, { stdio: 'inherit' });
  if (check.status === 0) checksPassed++;
  else {
    checksFailed++;
    console.log(`${name} failed`);
  }
}

// Real servers the contract suites and e2e tests need (scripts/servers/), started once for the run.
const servers = await startServers();

const out = mkdtempSync(join(tmpdir(), 'osprey-test-'));
const report = join(out, 'jest.json');
const args = ['node_modules/jest/bin/jest.js', '--json', `--outputFile=${report}`, ...process.argv.slice(2)];
const result = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, ...servers.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() },
});

// The unit and contract suites once more under the Node LTS the images ship, on the same servers.
const lts = runUnitOnNodeLts({ env: servers.env, jestArgs: process.argv.slice(2) });

await servers.stop();

let { passed, failed } = jestTotals(report, result.status);
passed += checksPassed + lts.passed;
failed += checksFailed + lts.failed;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || result.status !== 0 ? 1 : 0);
