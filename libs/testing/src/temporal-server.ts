import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '@boomerang/workflows';

/** The CLI `npm test` resolved (scripts/ensure-temporal.mjs exports TEMPORAL_CLI), else the project-local build. */
export function temporalCliPath(): string {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const local = join(process.cwd().replace(/\/(apps|libs)\/[^/]+$/, ''), '.tools', 'bin', 'temporal');
  if (existsSync(local)) return local;
  throw new Error('Temporal CLI not found: run tests through `npm test`, which installs it, or set TEMPORAL_CLI');
}

/**
 * A real Temporal dev server on free ports, with the project's search attributes registered. `extraArgs` adds
 * server flags, e.g. `--dynamic-config-value limit.maxIDLength=120` for a server that refuses long ids.
 */
export async function startTemporal(extraArgs: string[] = []): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error', ...extraArgs],
    },
  });
}
