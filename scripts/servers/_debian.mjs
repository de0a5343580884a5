// Installs the Debian packages of test servers (files starting with `_` are not servers).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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

