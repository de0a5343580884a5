// Loaded with --import by the Node LTS pass of `npm test` (scripts/test-node-lts.mjs) into every Node process
// the tests start: resolves better-sqlite3 to the copy built for this Node's ABI (OSPREY_NATIVE_MODULES)
// instead of node_modules' (built for npm's Node). Synchronous hooks cover require() and import alike.
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.OSPREY_NATIVE_MODULES;
// A process started with another Node (no registerHooks before 22.15) keeps node_modules' build, which is its own.
if (modules && typeof nodeModule.registerHooks === 'function') {
  const entry = pathToFileURL(join(modules, 'better-sqlite3', 'lib', 'index.js')).href;
  nodeModule.registerHooks({
    resolve: (specifier, context, next) => (specifier === 'better-sqlite3' ? { url: entry, format: 'commonjs', shortCircuit: true } : next(specifier, context)),
  });
}
