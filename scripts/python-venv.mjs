// Pinned Python tools of the test suites (schemathesis, Kestra's API clients): each installed from PyPI once per
// machine into a venv under the cache folder outside the clone (`<cache>/<name>/<version>`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Makes sure the venv `<cache>/<name>/<version>` holds `requirements` (pip specifiers, pinned) and returns its python.
 * `minPython` is the oldest Python the packages run on, as [major, minor].
 */
export function ensurePythonVenv({ name, version, requirements, minPython = [3, 9], log = () => {} }) {
  const cacheDir = process.env.OSPREY_CACHE_DIR ?? join(homedir(), '.cache', 'osprey');
  const venv = join(cacheDir, name, version);
  const python = join(venv, 'bin', 'python');
  if (existsSync(python)) return python;

  const base = findPython(minPython, name);
  // Installed beside the final folder and renamed at the end, so an interrupted install is never taken for a whole
  // one and two installs at once do not mix (a venv run through its `python -m` survives the rename).
  const partial = `${venv}.partial-${process.pid}`;
  mkdirSync(join(cacheDir, name), { recursive: true });
  rmSync(partial, { recursive: true, force: true });
  log(`installing ${requirements.join(' ')} from PyPI into ${venv} (once per machine)`);
  const t0 = Date.now();
  try {
    run(base, ['-m', 'venv', partial]);
    run(join(partial, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', ...requirements]);
    try {
      renameSync(partial, venv);
    } catch (error) {
      if (!existsSync(python)) throw error; // else another run installed it meanwhile
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  log(`installed ${name} ${version} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return python;
}

/** A Python of at least `minPython` with the venv module. */
function findPython([major, minor], name) {
  for (const candidate of ['python3.12', 'python3.11', 'python3.10', 'python3']) {
    const probe = spawnSync(candidate, ['-c', `import sys, venv; sys.exit(0 if sys.version_info >= (${major}, ${minor}) else 1)`], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  throw new Error(`${name} needs Python ${major}.${minor} or later with its venv module (python3 -m venv); none was found on PATH`);
}

function run(file, args) {
  const result = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new Error(`${file} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} failed with exit code ${result.status}: ${`${result.stdout}${result.stderr}`.trim().slice(-1000)}`);
}
