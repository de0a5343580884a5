// Preloaded with `--import` into an `osprey` process by e2e tests: appends the name of every package that an ES
// module import loads, one per line, to the file OSPREY_TEST_PACKAGES_FILE: the package under node_modules an
// import resolves to, and for a chunk of the bundled CLI (apps/cli/dist), the packages the chunk holds, as listed
// in the bundle-packages.json that apps/cli/bundle.mjs writes beside it.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const packageOf = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//;
const manifests = new Map();
function bundledPackages(url) {
  if (!url.startsWith('file:')) return [];
  const file = fileURLToPath(url);
  const manifest = join(dirname(file), 'bundle-packages.json');
  if (!manifests.has(manifest)) manifests.set(manifest, existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')) : null);
  return manifests.get(manifest)?.[basename(file)] ?? [];
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const match = packageOf.exec(result.url);
  const packages = match ? [match[1]] : bundledPackages(result.url);
  if (packages.length > 0) appendFileSync(process.env.OSPREY_TEST_PACKAGES_FILE, packages.join('\\n') + '\\n');
  return result;
}`),
);
