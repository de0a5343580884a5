// The API fuzzer of the OpenAPI e2e suite: schemathesis from PyPI, pinned, installed once per machine into a venv
// under the cache folder outside the clone (`<cache>/schemathesis/<version>`). Like the browser, it is not a server,
// so the spec that uses it calls this itself and fails if it cannot install.
import { existsSync } from 'node:fs';
import { ensurePythonVenv } from './python-venv.mjs';

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
  // schemathesis 4 needs Python 3.9.
  const python = ensurePythonVenv({ name: 'schemathesis', version: SCHEMATHESIS_VERSION, requirements: [`schemathesis==${SCHEMATHESIS_VERSION}`], minPython: [3, 9], log });
  return [python, '-m', 'schemathesis.cli'];
}
