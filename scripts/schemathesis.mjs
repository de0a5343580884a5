// The API fuzzer of the OpenAPI e2e suite: schemathesis from PyPI, pinned, installed once per machine into a venv
// under the cache folder outside the clone (`<cache>/schemathesis/<version>`). Like the browser, it is not a server,
// so the spec that uses it calls this itself and fails if it cannot install.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const SCHEMATHESIS_VERSION = '4.32.5';

/**
 * Makes sure schemathesis is installed and returns the command that runs its CLI (`[python, '-m', 'schemathesis.cli']`).
 * `OSPREY_SCHEMATHESIS` names another `schemathesis` executable instead and skips the install.
 */
export function ensureSchemathesis({ log = () => {} } = {}) {
  const override = process.env.OSPREY_SCHEMATHESIS;
  if (override) {
    if (!existsSync(override)) throw new Error(`OSPREY_SCHEMATHESIS=${override}: no such file`);
    return [override];
  }
  const cacheDir = process.env.OSPREY_CACHE_DIR ?? join(homedir(), '.cache', 'osprey');
  const venv = join(cacheDir, 'schemathesis', SCHEMATHESIS_VERSION);
  const command = [join(venv, 'bin', 'python'), '-m', 'schemathesis.cli'];
  if (existsSync(command[0])) return command;

  const python = findPython();
  // Installed beside the final folder and renamed at the end, so an interrupted install is never taken for a whole
  // one and two installs at once do not mix (a venv run through its `python -m` survives the rename).
  const partial = `${venv}.partial-${process.pid}`;
  mkdirSync(join(cacheDir, 'schemathesis'), { recursive: true });
  rmSync(partial, { recursive: true, force: true });
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${venv} (once per machine)`);
  const t0 = Date.now();
  try {
    run(python, ['-m', 'venv', partial]);
    run(join(partial, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', `schemathesis==${SCHEMATHESIS_VERSION}`]);
    try {
      renameSync(partial, venv);
    } catch (error) {
      if (!existsSync(command[0])) throw error; // else another run installed it meanwhile
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  log(`installed schemathesis ${SCHEMATHESIS_VERSION} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return command;
}

/** A Python 3.9+ with the venv module (schemathesis 4 needs 3.9). */
function findPython() {
  for (const candidate of ['python3.12', 'python3.11', 'python3.10', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  throw new Error('schemathesis needs Python 3.9 or later with its venv module (python3 -m venv); none was found on PATH');
}

function run(file, args) {
  const result = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new Error(`${file} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} failed with exit code ${result.status}: ${`${result.stdout}${result.stderr}`.trim().slice(-1000)}`);
}
