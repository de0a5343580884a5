// Helpers of the test servers installed from Debian's packages (files starting with `_` are not servers).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Installs the Debian package unless dpkg knows it; `apt-get update` only when something is missing. */
export function ensureDebianPackage(pkg, binary, log) {
  const installed = spawnSync('dpkg', ['-s', pkg], { encoding: 'utf8' });
  if (installed.status === 0 && /Status: install ok installed/.test(installed.stdout) && existsSync(binary)) return;
  if (process.getuid?.() !== 0) throw new Error(`${pkg} is not installed and installing it needs root: apt-get install -y ${pkg}`);
  log(`installing ${pkg} with apt-get (once per machine)`);
  const t0 = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', pkg]]) {
    const result = spawnSync('apt-get', args, { encoding: 'utf8', env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed: ${(result.stderr || '').trim().slice(-500)}`);
  }
  log(`installed ${pkg} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

