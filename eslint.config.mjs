// ESLint flat config for the whole monorepo. Type-unaware on purpose (no parserOptions.project),
// so `eslint .` stays fast; `tsc -b` is the type check. See docs/development.md.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { createProjectGraphAsync } from '@nx/devkit';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// @nx/enforce-module-boundaries reads the project graph Nx caches in .nx/; without one it silently
// skips every file, and a stale one misses new imports or tags. Computing it here (about a second,
// incremental, no daemon) makes a plain `npx eslint .` as strict as `nx lint`. Under an Nx task
// (NX_TASK_TARGET_PROJECT is set) Nx has just written a fresh graph, so it is not computed twice.
if (!process.env.NX_TASK_TARGET_PROJECT && process.env.OSPREY_ESLINT_SKIP_GRAPH !== '1') {
  try {
    await createProjectGraphAsync({ exitOnError: false });
  } catch (error) {
    process.stderr.write(`eslint.config.mjs: cannot compute the Nx project graph (${error.message}); module boundaries unchecked\n`);
  }
}

const sourceFiles = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.mjs', '**/*.cjs', 'apps/*/bin/*.js'];

// Every lib is a package: `@osprey/<lib>` is its public surface (src/index.ts: ports, types, errors), each adapter
// family an entry point of its own (`@osprey/queue/kafka`, ...: loaded only by the backend that uses it), the port
// modules `@osprey/server/nest` (so that importing the server's configuration does not load NestJS), and
// `@osprey/<lib>/testing` its test helpers (src/testing/: contract suites, fixtures, test servers). The command
// line parses its flags through light entry points (`@osprey/services/cli`, `@osprey/flow-model/worker-group-key`)
// and loads the rest per command.
const noDeepImports = {
  regex: '^@osprey/[^/]+/(?!(testing|sql|kafka|redis|search|s3|nest|cli|worker-group-key)$)',
  message: 'Import another lib by its package name only (`@osprey/<lib>`, or `@osprey/<lib>/testing` from tests), never a path inside it.',
};
// Test helpers are never built into dist/ or an image: only specs, e2e and other test helpers import them.
const noTestingInProduction = {
  regex: '^@osprey/[^/]+/testing$',
  message: 'Test helpers are for tests only (*.spec.ts, e2e/, src/testing/): production code cannot import them.',
};
// Nx reports app imports too, but only for packages it can resolve; `@osprey/cli` has no main/exports.
const noAppImports = {
  regex: '^@osprey/(cli|executor|worker|scheduler|webserver|indexer)(/.*)?$',
  message: 'No project imports an app: move the shared code into a lib (see docs/development.md).',
};
const everywhere = [noDeepImports, noAppImports];

// flow-model is the pure core (parsing, expressions, the executor's decision function): no I/O, no NestJS.
const flowModelForbidden = [
  ...everywhere,
  { group: ['@nestjs/*'], message: 'flow-model imports no NestJS: wire it in libs/services or libs/server.' },
  {
    regex: '^(node:)?(fs|net|http|https|http2|child_process|dgram|tls)(/.*)?$',
    message: 'flow-model does no I/O: take the data as an argument and let the caller read or send it.',
  },
  {
    regex: '^(better-sqlite3|pino)(/.*)?$',
    message: 'flow-model does no I/O and no logging: return values or typed errors instead.',
  },
];

export default defineConfig(
  globalIgnores([
    '**/dist/**',
    '**/node_modules/**',
    // Compiled output; the only hand-written .js files are the CLI launchers in apps/*/bin.
    '**/*.js',
    '!apps/*/bin/*.js',
    '**/*.d.ts',
    '.nx/**',
    'coverage/**',
    'data/**',
    'tmp/**',
    'bench/results/**',
  ]),
  {
    files: sourceFiles,
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { '@nx': nx },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      // TypeScript resolves names itself; for the .mjs scripts the rule would need a globals list.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': [
        'warn',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      'no-restricted-imports': ['error', { patterns: [...everywhere, noTestingInProduction] }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          // The ports' adapter entry points are imported lazily (libs/server/src/nest) while their port types
          // are imported statically: that is by design, not a lazy-loading mistake. Likewise the command line
          // (apps/cli, nest/service-command.ts) imports the services, server and flow model in the action that runs them.
          checkDynamicDependenciesExceptions: ['queue', 'repository', 'storage', 'server', 'services', 'flow-model'],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:flow-model', onlyDependOnLibsWithTags: ['scope:flow-model'] },
            // Layers (docs/architecture.md): the SQL lib serves the ports; ports never import each other.
            { sourceTag: 'layer:sql', onlyDependOnLibsWithTags: ['layer:core'] },
            { sourceTag: 'layer:port', onlyDependOnLibsWithTags: ['layer:core', 'layer:sql'] },
            // The plugin SDK is what third-party plugins import: the flow model's property kinds only, never a port or adapter.
            { sourceTag: 'layer:sdk', onlyDependOnLibsWithTags: ['layer:core'] },
            { sourceTag: 'layer:tasks', onlyDependOnLibsWithTags: ['layer:core', 'layer:port', 'layer:sdk'] },
            { sourceTag: 'layer:backend', onlyDependOnLibsWithTags: ['layer:core', 'layer:sql', 'layer:port'] },
            { sourceTag: 'layer:service', onlyDependOnLibsWithTags: ['layer:core', 'layer:port', 'layer:tasks', 'layer:backend', 'layer:sdk'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**', 'e2e/**', 'bench/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: everywhere }] },
  },
  {
    // Tests may read fixture files; the library code may not.
    files: ['libs/flow-model/src/**'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: flowModelForbidden,
        },
      ],
    },
  },
  {
    // Libraries log through the injected pino logger, never to the console.
    files: ['libs/**'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: { 'no-console': 'error' },
  },
);
