import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'crypto', 'http', 'https', 'net', 'os', 'child_process', 'stream', 'url', 'util', 'worker_threads'];
const ONLY_FACADE = { group: ['@temporalio/client'], message: 'Only @boomerang/temporal-client talks to Temporal as a client.' };

const MODULE_BOUNDARIES = {
  allow: [],
  depConstraints: [
    { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
    { sourceTag: 'type:workflow', onlyDependOnLibsWithTags: ['type:domain', 'type:workflow'] },
    { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:domain', 'type:data'] },
    { sourceTag: 'type:temporal-client', onlyDependOnLibsWithTags: ['type:domain', 'type:workflow'] },
    { sourceTag: 'type:email', onlyDependOnLibsWithTags: ['type:domain', 'type:data'] },
    {
      sourceTag: 'type:feature',
      onlyDependOnLibsWithTags: ['type:domain', 'type:data', 'type:email', 'type:temporal-client', 'type:workflow', 'type:feature'],
    },
    // Between bounded contexts: retention uses engagement's tokens; engagement and reporting stand on their own.
    { sourceTag: 'scope:engagement', notDependOnLibsWithTags: ['scope:retention', 'scope:reporting'] },
    { sourceTag: 'scope:reporting', notDependOnLibsWithTags: ['scope:retention', 'scope:engagement'] },
    // Intake projects orders into the model, then hands them to retention's intake; it reads no other context.
    { sourceTag: 'scope:intake', notDependOnLibsWithTags: ['scope:engagement', 'scope:reporting', 'scope:accounts'] },
    // Privacy reads and erases across the model through its own SQL; it imports no other bounded context.
    { sourceTag: 'scope:privacy', notDependOnLibsWithTags: ['scope:retention', 'scope:reporting', 'scope:engagement', 'scope:intake', 'scope:accounts'] },
    // Segments read the model and keep their own tables; retention reads their membership at send time.
    { sourceTag: 'scope:segments', notDependOnLibsWithTags: ['scope:retention', 'scope:engagement', 'scope:reporting', 'scope:intake', 'scope:accounts'] },
    // Outgoing webhooks and apps: other contexts raise events through its port; it imports none of them.
    { sourceTag: 'scope:integrations', notDependOnLibsWithTags: ['scope:retention', 'scope:engagement', 'scope:reporting', 'scope:intake', 'scope:accounts', 'scope:segments', 'scope:privacy', 'scope:customers'] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:data', 'type:workflow'] },
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: ['type:domain', 'type:data', 'type:email', 'type:temporal-client', 'type:workflow', 'type:feature', 'type:testing'],
    },
    { sourceTag: 'type:ui', onlyDependOnLibsWithTags: [] },
  ],
};

// Specs may use the test harness (per-run databases, Temporal dev server, fakes); production code may not.
const SPEC_BOUNDARIES = {
  ...MODULE_BOUNDARIES,
  depConstraints: MODULE_BOUNDARIES.depConstraints.map((c) =>
    c.onlyDependOnLibsWithTags && c.sourceTag !== 'type:ui' ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] } : c,
  ),
};

export default [
  { ignores: ['**/dist/**', '**/build/**', '**/.svelte-kit/**', '**/node_modules/**', '.tools/**', '.data/**', '**/*.svelte'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', MODULE_BOUNDARIES],
    },
  },
  {
    files: ['libs/*/src/**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', SPEC_BOUNDARIES] },
  },
  {
    // The whole-stack harness composes both apps as production runs them, so it starts the worker app's own
    // composition; only that one import of an app is allowed, and only from the api's tests.
    files: ['apps/api/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { ...MODULE_BOUNDARIES, allow: ['^\\.\\./\\.\\./worker/src/(retention-worker|intake-projector)\\.js$'] },
      ],
    },
  },
  {
    // The browser tests start the whole stack with the test harness (per-run database, Temporal dev server).
    files: ['apps/dashboard/e2e/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { ...MODULE_BOUNDARIES, depConstraints: MODULE_BOUNDARIES.depConstraints.map((c) => (c.sourceTag === 'type:ui' ? { ...c, onlyDependOnLibsWithTags: ['type:testing'] } : c)) },
      ],
    },
  },
  {
    // Only the facade imports the Temporal client.
    files: ['libs/**/*.ts', 'apps/**/*.ts'],
    ignores: ['libs/temporal-client/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ONLY_FACADE] }] },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node, no I/O libraries.
    files: ['libs/workflows/src/**/*.ts', 'libs/domain/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.filter((m) => !m.includes('*')),
          patterns: [
            ONLY_FACADE,
            { group: NODE_BUILTINS.filter((m) => m.includes('*')), message: 'Workflows and domain code must not use Node built-ins.' },
            {
              group: ['@temporalio/worker', '@temporalio/activity', '@mikro-orm/*', 'pg', 'postmark', 'handlebars', 'zod', '@nestjs/*', 'express'],
              message: 'Workflows and domain code depend on nothing Node: only @temporalio/workflow, @temporalio/common and pure code.',
            },
          ],
        },
      ],
    },
  },
];
