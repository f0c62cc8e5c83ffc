// Specs of the repository's own scripts (plain ESM, no transform): `npm test` runs them with the unit tests.
export default {
  rootDir: import.meta.dirname,
  displayName: 'scripts',
  testEnvironment: 'node',
  transform: {},
  testMatch: ['<rootDir>/*.spec.mjs'],
  testTimeout: 60_000,
};
