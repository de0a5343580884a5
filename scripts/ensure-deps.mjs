// Installs npm dependencies when they are missing or older than the lockfile, so that a fresh clone
// needs nothing but `npm start` or `npm test`.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

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
}
