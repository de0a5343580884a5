// Unit, contract and e2e tests run on the TypeScript sources through SWC, as native ES modules.
// `npm test` runs both projects; `--selectProjects unit` runs the fast ones alone.
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
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

export default {
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/libs', '<rootDir>/apps'] },
    // End-to-end tests start the built `osprey` command as real processes (default timeout: e2e/support/jest-timeout.ts).
    { ...common, displayName: 'e2e', roots: ['<rootDir>/e2e'], setupFilesAfterEnv: ['<rootDir>/e2e/support/jest-timeout.ts'] },
  ],
};
