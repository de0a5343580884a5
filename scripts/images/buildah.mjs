// buildah as the tests and `nx run <app>:container` use it: Debian's package, vfs storage and chroot
// isolation (this machine's crun cannot create cgroups, see docs/deploy-helm.md), state kept per machine
// under `<cache>/images`, never in the clone.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cacheDir } from '../node-runtime.mjs';

export { cacheDir };

export function storageArgs(cache = cacheDir()) {
  return ['--root', join(cache, 'images', 'storage'), '--runroot', join(cache, 'images', 'run'), '--storage-driver', 'vfs'];
}

/** Environment for buildah: chroot isolation everywhere, no registry config from the host. */
export function buildahEnv() {
  return { ...process.env, BUILDAH_ISOLATION: 'chroot', STORAGE_DRIVER: 'vfs' };
}

/** Runs `buildah <args>` with the project's storage; returns stdout, throws with stderr on failure. */
export function buildah(args, { cache = cacheDir(), stdio = 'pipe', cwd } = {}) {
  const result = spawnSync('buildah', [...storageArgs(cache), ...args], {
    encoding: 'utf8',
    env: buildahEnv(),
    cwd,
    maxBuffer: 256 << 20,
    stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : 'pipe',
  });
  if (result.error) throw new Error(`buildah ${args[0]}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`buildah ${args.join(' ')} failed (exit ${result.status}): ${(result.stderr ?? '').trim().slice(-3000)}`);
  return result.stdout ?? '';
}

/** Like buildah() but asynchronous, for long-running `buildah run`. */
export function spawnBuildah(args, { cache = cacheDir(), stdio = ['ignore', 'pipe', 'pipe'] } = {}) {
  return spawn('buildah', [...storageArgs(cache), ...args], { env: buildahEnv(), stdio });
}

export function imageExists(name, cache = cacheDir()) {
  const result = spawnSync('buildah', [...storageArgs(cache), 'inspect', '--type', 'image', '--format', '{{.FromImageID}}', name], { encoding: 'utf8', env: buildahEnv() });
  return result.status === 0;
}
