// Bundles the compiled CLI (apps/cli/build, tsc's output) into apps/cli/dist with esbuild: the `osprey` command then
// loads a few dozen files instead of ~2,300 (NestJS, its Swagger decorators and their es-toolkit helpers are ~900
// small modules), which halves `osprey server local`'s start-up on Node 20 (no compile cache there); see
// docs/benchmarks.md. Each command's dynamic imports stay separate chunks, so `--help` still loads no NestJS.
//
// What stays in node_modules, loaded at run time as before:
// - native addons and the packages that load files or drivers by name at run time (better-sqlite3, TypeORM and
//   the database drivers it requires by name, date-holidays' data);
// - the clients of the optional backends (Kafka, OpenSearch/Elasticsearch, Redis/BullMQ, S3), loaded only when
//   configured, so the bundle does not carry them for everyone;
// - any import that is not installed (NestJS's optional peers such as @nestjs/websockets or class-validator): it
//   stays a runtime import that fails as it would unbundled, where NestJS expects and handles that.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const entry = join(root, 'apps/cli/build/main.js');
const outdir = join(root, 'apps/cli/dist');

const EXTERNAL = [
  'better-sqlite3',
  'typeorm',
  'pg',
  'pg-native',
  'mysql2',
  'date-holidays',
  'kafkajs',
  '@opensearch-project/opensearch',
  '@elastic/elasticsearch',
  'bullmq',
  'ioredis',
  'minio',
  '@aws-sdk/*',
  'archiver',
  // Every chunk imports it first (banner): with code splitting, a shared chunk holding decorated classes can be
  // evaluated before the module that imported reflect-metadata in the unbundled code.
  'reflect-metadata',
];

/** Bare imports that do not resolve from the importing file stay external (see the header). */
const notInstalledExternal = {
  name: 'not-installed-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith('node:')) return undefined;
      try {
        createRequire(join(args.resolveDir, 'noop.js')).resolve(args.path);
        return undefined;
      } catch {
        return { path: args.path, external: true };
      }
    });
  },
};

export async function bundleCli() {
  rmSync(outdir, { recursive: true, force: true });
  const { metafile } = await build({
    entryPoints: { main: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: EXTERNAL,
    plugins: [notInstalledExternal],
    // reflect-metadata before any decorator runs (see EXTERNAL); require() for the CommonJS packages in the bundle.
    banner: {
      js: "import 'reflect-metadata';\nimport { createRequire as __ospreyCreateRequire } from 'node:module';\nconst require = __ospreyCreateRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'linked',
    logLevel: 'warning',
    // Class names as in the sources: Nest and Swagger read them (default tags, `<controller>.<method>` operation
    // ids, the declared-query guard's lookup), which a decorated class renamed `XController2` would change.
    keepNames: true,
    metafile: true,
  });
  writeFileSync(join(outdir, 'bundle-packages.json'), `${JSON.stringify(packagesPerChunk(metafile), null, 1)}\n`);
}

/**
 * Which npm packages each chunk holds (from esbuild's metafile), written beside the bundle as bundle-packages.json:
 * what a command loads can still be told by package (e2e/cli/adapter-loading.spec.ts), and what the bundle ships.
 */
function packagesPerChunk(metafile) {
  const chunks = {};
  for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
    if (!output.endsWith('.js')) continue;
    const packages = new Set();
    for (const input of Object.keys(inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) packages.add(match[1]);
    }
    chunks[basename(output)] = [...packages].sort();
  }
  return chunks;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli();
