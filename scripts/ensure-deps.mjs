// Installs npm dependencies when they are missing or older than the lockfile, so that a fresh clone
// needs nothing but `npm start` or `npm test`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function ensureDependencies() {
  const marker = 'node_modules/.package-lock.json';
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync('package-lock.json').mtimeMs;
  if (fresh && existsSync('node_modules/better-sqlite3/build/Release/better_sqlite3.node')) return;
  console.log('Installing dependencies (npm ci)...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

export function build() {
  console.log('Building (tsc -b)...');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['apps/cli/bundle.mjs'], { stdio: 'inherit' });
  buildUi();
}

const UI = 'apps/ui';
const UI_INPUTS = ['src', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'];

/** Builds the web UI into apps/ui/dist (the webserver serves it) unless the build is newer than every input. */
export function buildUi() {
  const built = join(UI, 'dist', 'index.html');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(UI_INPUTS.map((p) => join(UI, p)))) return;
  console.log('Building the web UI (vite build)...');
  execFileSync(process.execPath, ['../../node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { cwd: UI, stdio: 'inherit' });
}

function newestMtime(paths) {
  let newest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stats = statSync(path);
    if (stats.isDirectory()) newest = Math.max(newest, newestMtime(readdirSync(path).map((name) => join(path, name))));
    else newest = Math.max(newest, stats.mtimeMs);
  }
  return newest;
}
