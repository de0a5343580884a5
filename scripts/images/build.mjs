// Builds the app images from docker/Dockerfile with buildah (chroot isolation, vfs storage), on the base
// image named by OSPREY_BASE_IMAGE or, when unset, the one base.mjs makes (no image registry is needed).
// On that base (Node NODE_LTS_VERSION), better-sqlite3 comes compiled for its ABI from scripts/node-runtime.mjs
// (`--build-context native=...`); a base given by OSPREY_BASE_IMAGE takes node_modules' as installed.
//   node scripts/images/build.mjs [app ...]       (what `nx run <app>:container` runs)
// The shared stages are built once (`--target runtime`), then each app's stage on top of that image.
// vfs keeps a full copy of every layer, so buildah's per-instruction layer cache would copy the tree
// ~20 times; instead images are tagged with a hash of their inputs and reused when it matches.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_LTS_VERSION, ensureBetterSqlite3, ensureNodeRuntime } from '../node-runtime.mjs';
import { ensureBaseImage } from './base.mjs';
import { buildah, cacheDir, imageExists } from './buildah.mjs';

export const APPS = ['webserver', 'executor', 'worker', 'scheduler', 'indexer', 'cli'];
export const root = fileURLToPath(new URL('../..', import.meta.url));

export const imageName = (app, tag) => `localhost/osprey-${app}:${tag}`;

function git(args) {
  const result = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function walk(dir, into) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, into);
    else if (entry.isFile() && !entry.name.endsWith('.spec.ts')) into.push(path);
  }
}

/** Hash of what the build reads: sources, manifests, lockfile, installed tree, Dockerfile, base image, native overlay. */
export function inputsHash(baseImageId, nativeDir) {
  const files = ['package.json', 'package-lock.json', 'nx.json', 'tsconfig.base.json', 'tsconfig.build.json', 'node_modules/.package-lock.json', 'docker/Dockerfile', 'docker/Dockerfile.dockerignore', 'docker/stage-production.mjs', 'docker/healthcheck.mjs', 'docker/native-default/README'].map((f) => join(root, f));
  for (const group of ['apps', 'libs']) {
    for (const project of readdirSync(join(root, group))) {
      const dir = join(root, group, project);
      for (const f of ['package.json', 'project.json', 'tsconfig.json', 'index.html', 'vite.config.ts', 'bundle.mjs']) if (existsSync(join(dir, f))) files.push(join(dir, f));
      walk(join(dir, 'src'), files);
      walk(join(dir, 'bin'), files);
    }
  }
  const hash = createHash('sha256').update(`base ${baseImageId}\n`);
  if (nativeDir) hash.update(`native ${nativeDir}\n`);
  for (const file of files.sort()) {
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    hash.update(`${relative(root, file)}\n`).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

function buildArgs(base, nativeDir) {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  return [
    ...(nativeDir ? ['--build-context', `native=${nativeDir}`] : []),
    '--build-arg', `BASE_IMAGE=${base}`,
    '--build-arg', `VERSION=${version}`,
    '--build-arg', `REVISION=${git(['rev-parse', 'HEAD']) ?? 'unknown'}`,
    '--build-arg', `CREATED=${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
  ];
}

function build(target, tag, extraArgs, cache) {
  buildah(
    [
      'build', '--isolation', 'chroot', '--pull=never',
      '--format', 'docker', // HEALTHCHECK exists only in the docker image format
      ...extraArgs,
      '--target', target,
      '--ignorefile', join(root, 'docker', 'Dockerfile.dockerignore'),
      '-f', join(root, 'docker', 'Dockerfile'),
      '-t', tag,
      root,
    ],
    { cache, cwd: root },
  );
}

/**
 * Builds one image per app, tagged `localhost/osprey-<app>:<inputs hash>` and `:<tag>`.
 * Returns { base, hash, runtime: { image, seconds, cached }, apps: { <app>: { image, seconds, cached } } }.
 */
export function buildImages({ apps = APPS, baseImage, tag = 'dev', cache = cacheDir(), log = () => {} } = {}) {
  for (const app of apps) if (!APPS.includes(app)) throw new Error(`unknown app ${app}; one of ${APPS.join(', ')}`);
  let t0 = Date.now();
  const ownBase = !(baseImage ?? process.env.OSPREY_BASE_IMAGE);
  const base = baseImage ?? process.env.OSPREY_BASE_IMAGE ?? ensureBaseImage({ cache, log });
  // The folder holding node_modules/better-sqlite3 built for the base's Node (the build context `native`).
  const nativeDir = ownBase ? dirname(ensureBetterSqlite3(ensureNodeRuntime(NODE_LTS_VERSION, { cache, log }), { cache, log })) : undefined;
  const baseSeconds = (Date.now() - t0) / 1000;
  const baseId = buildah(['inspect', '--type', 'image', '--format', '{{.FromImageID}}', base], { cache }).trim();
  const hash = inputsHash(baseId, nativeDir);
  const args = buildArgs(base, nativeDir);
  const result = { base, baseSeconds, hash, apps: {} };

  t0 = Date.now();
  const runtime = imageName('runtime', hash);
  const runtimeCached = imageExists(runtime, cache);
  if (!runtimeCached) {
    log(`building ${runtime} (Nx build + production dependencies) on ${base}`);
    build('runtime', runtime, args, cache);
  }
  result.runtime = { image: runtime, seconds: (Date.now() - t0) / 1000, cached: runtimeCached };
  log(`${runtime} ${runtimeCached ? 'cached' : 'built'} in ${result.runtime.seconds.toFixed(1)} s`);

  for (const app of apps) {
    t0 = Date.now();
    const image = imageName(app, hash);
    const cached = imageExists(image, cache);
    if (!cached) build(app, image, [...args, '--build-arg', `RUNTIME_IMAGE=${runtime}`], cache);
    buildah(['tag', image, imageName(app, tag)], { cache });
    result.apps[app] = { image, seconds: (Date.now() - t0) / 1000, cached };
    log(`${image} ${cached ? 'cached' : 'built'} in ${result.apps[app].seconds.toFixed(1)} s`);
  }
  return result;
}

/** Removes Osprey images of other input hashes (and unnamed leftovers): vfs copies every layer in full. */
export function pruneOldImages(hash, cache = cacheDir()) {
  const listing = buildah(['images', '--format', '{{.Name}}:{{.Tag}}'], { cache }).trim().split('\n').filter(Boolean);
  const stale = listing.filter((ref) => /^localhost\/osprey-(runtime|webserver|executor|worker|scheduler|indexer|cli):[0-9a-f]{16}$/.test(ref) && !ref.endsWith(`:${hash}`));
  for (const ref of stale) buildah(['rmi', '-f', ref], { cache });
  buildah(['rmi', '--prune'], { cache });
  return stale;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const apps = process.argv.slice(2);
  const log = (m) => console.log(`[images] ${m}`);
  const result = buildImages({ apps: apps.length ? apps : APPS, log });
  pruneOldImages(result.hash);
  for (const { image } of Object.values(result.apps)) console.log(image);
}
