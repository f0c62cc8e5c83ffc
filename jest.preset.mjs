// Shared Jest setup: native ESM (our dependencies NestJS 12 and MikroORM 7 are ESM-only), TypeScript via
// SWC with legacy decorators + metadata for NestJS, and @boomerang/* mapped to library sources so tests
// never need a build first.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const libs = readdirSync(join(root, 'libs'));

export function jestConfig(projectDir, kind) {
  const integration = kind === 'integration';
  return {
    rootDir: projectDir,
    displayName: `${projectDir.slice(root.length + 1)}${integration ? ' (integration)' : ''}`,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2023',
          },
          module: { type: 'es6' },
        },
      ],
    },
    moduleNameMapper: {
      ...Object.fromEntries(libs.map((lib) => [`^@boomerang/${lib}$`, join(root, 'libs', lib, 'src', 'index.ts')])),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    // Unit specs sit beside the code; `*.int.spec.ts` need PostgreSQL or Temporal and run as their own target.
    testMatch: integration
      ? ['<rootDir>/src/**/*.int.spec.ts', '<rootDir>/test/**/*.spec.ts']
      : ['<rootDir>/src/**/*.spec.ts'],
    testPathIgnorePatterns: integration ? ['/node_modules/'] : ['/node_modules/', '\\.int\\.spec\\.ts$'],
    testTimeout: integration ? 120_000 : 10_000,
  };
}
