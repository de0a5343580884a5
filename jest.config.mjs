// Tests run on the TypeScript sources through SWC, as native ES modules, in four projects by kind:
//   unit      libs/ and apps/ specs that need no server and start no JVM (seconds; `nx test <lib>`)
//   contract  `*.contract.spec.ts`: each port's contract suite and adapter tests against real backends
//             (SQLite files, and the servers scripts/servers/ starts; `nx run <lib>:contract`), and the tests
//             that install from the package registries (script task dependencies from PyPI and npm) or compile
//             with tsc (the example plugin, loaded into a running app)
//   ui        the web UI's specs (apps/ui)
//   e2e       the built `osprey` command run as real processes (e2e/)
// `npm test` runs all four; `--selectProjects unit` runs one kind.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

// The Node LTS pass of `npm test` (scripts/test-node-lts.mjs) runs on another Node ABI: better-sqlite3 then
// comes from the copy compiled for it, named by OSPREY_NATIVE_MODULES (a node_modules folder).
const native = process.env.OSPREY_NATIVE_MODULES
  ? { '^better-sqlite3$': `${process.env.OSPREY_NATIVE_MODULES}/better-sqlite3/lib/index.js` }
  : {};

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    ...native,
    '^@osprey/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^@osprey/flow-model/worker-group-key$': '<rootDir>/libs/flow-model/src/flow/worker-group-key.ts',
    '^@osprey/([a-z-]+)/([a-z0-9-]+)$': '<rootDir>/libs/$1/src/$2/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/libs', '<rootDir>/apps'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '\\.contract\\.spec\\.ts$', '<rootDir>/apps/ui/'],
    },
    { ...common, displayName: 'contract', roots: ['<rootDir>/libs', '<rootDir>/apps'], testMatch: ['**/*.contract.spec.ts'] },
    { ...common, displayName: 'ui', roots: ['<rootDir>/apps/ui'] },
    // End-to-end tests start the built `osprey` command as real processes (default timeout: e2e/support/jest-timeout.ts).
    { ...common, displayName: 'e2e', roots: ['<rootDir>/e2e'], setupFilesAfterEnv: ['<rootDir>/e2e/support/jest-timeout.ts'] },
  ],
};
