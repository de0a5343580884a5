// Kestra's published Python API clients, pinned, that e2e/api/kestra-clients.spec.ts drives Osprey with: installed
// from PyPI once per machine into a venv under the cache folder (`<cache>/kestra-clients/<set>`).
import { ensurePythonVenv } from './python-venv.mjs';

export const KESTRA_CLIENTS = {
  kestrapy: '2.0.3',
  'kestra-api-client': '1.0.0',
  // kestrapy 2.0.3 imports `regex` without declaring it (its models fail to import without it).
  regex: '2026.12.2',
};

/** Makes sure the clients are installed and returns the venv's python. */
export function ensureKestraClients({ log = () => {} } = {}) {
  const requirements = Object.entries(KESTRA_CLIENTS).map(([name, version]) => `${name}==${version}`);
  const version = Object.entries(KESTRA_CLIENTS).map(([name, v]) => `${name}-${v}`).join('_');
  return ensurePythonVenv({ name: 'kestra-clients', version, requirements, minPython: [3, 9], log });
}
