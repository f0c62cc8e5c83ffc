// Specs of the repository's own scripts (plain ESM, no transform): unit specs run with the unit tests, and
// `*.int.spec.mjs` (the whole `npm start` stack) with the integration tests, after the build.
export function scriptsJestConfig(kind) {
  const integration = kind === 'integration';
  return {
    rootDir: import.meta.dirname,
    displayName: integration ? 'scripts (integration)' : 'scripts',
    testEnvironment: 'node',
    transform: {},
    testMatch: integration ? ['<rootDir>/*.int.spec.mjs'] : ['<rootDir>/*.spec.mjs'],
    testPathIgnorePatterns: integration ? ['/node_modules/'] : ['/node_modules/', '\\.int\\.spec\\.mjs$'],
    testTimeout: integration ? 300_000 : 60_000,
  };
}

export default scriptsJestConfig('unit');
