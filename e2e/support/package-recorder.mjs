// Preloaded with `--import` into an `osprey` process by e2e tests: appends the name of every package under
// node_modules that an ES module import resolves to, one per line, to the file OSPREY_TEST_PACKAGES_FILE.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
const packageOf = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//;
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const match = packageOf.exec(result.url);
  if (match) appendFileSync(process.env.OSPREY_TEST_PACKAGES_FILE, match[1] + '\\n');
  return result;
}`),
);
