import { jestConfig } from '../../jest.preset.mjs';

// Browser tests (apps/dashboard/e2e): Chromium against the built dashboard, the api and worker binaries, PostgreSQL
// and a Temporal dev server. They run with the integration tests, after the build.
const base = jestConfig(import.meta.dirname, 'integration');
export default {
  ...base,
  displayName: 'apps/dashboard (browser)',
  testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
  testTimeout: 240_000,
};
