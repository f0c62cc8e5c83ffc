// Finds the Temporal CLI (dev server + UI): TEMPORAL_CLI → `temporal` on PATH → .tools/bin/temporal →
// `go install` into .tools/bin when Go is present. Returns null when none works; callers then fall back
// to the Temporal SDK's own download or print what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_BIN = join(ROOT, '.tools', 'bin');
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
/** The search attributes our workflows carry (libs/workflows/src/search-attributes.ts), all Keyword. */
export const SEARCH_ATTRIBUTES = ['BoomerangStoreId', 'BoomerangRuleId', 'BoomerangCustomer', 'BoomerangRetentionState'];

/**
 * How `npm start` and `npm run bench` run the dev server, which is then the whole cluster. Each setting was measured in
 * the due-minute ceiling (10,000 held no-op workflows due in one minute; README, "Benchmarks").
 */
export const DEV_SERVER_DYNAMIC_CONFIG = [
  // One partition per task queue: with the default four, tasks and polls are spread over partitions and forwarded
  // between them; machine idle time while behind fell from 37–70 s to 32–42 s.
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
  // The dev server re-reads the cluster's search attributes from SQLite on every lookup, two or more per workflow
  // task, all through its single SQLite connection. Ours are declared below with --search-attribute, which the CLI
  // writes before the server starts, so the server's one-minute cache is always right.
  'system.forceSearchAttributesCacheRefreshOnRead=false',
];

/** The dev server's arguments for a SQLite file, after the ports: storage, tuning and our search attributes. */
export function devServerArgs(dbFilename) {
  return [
    '--db-filename', dbFilename,
    // WAL lets readers run beside the single writer; the dev server's SQLite is then ~1.5x faster (see README).
    '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=off',
    ...DEV_SERVER_DYNAMIC_CONFIG.flatMap((kv) => ['--dynamic-config-value', kv]),
    ...SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
  ];
}
/**
 * Go's collector took about a quarter of the server's CPU in the due minute: GOGC=400 (collect when the heap has grown
 * 4x rather than 2x) cut the server's CPU per workflow from 10.0 to 7.7–8.3 ms and the ceiling's p99 from 37–54 s to
 * 28–31 s; GOGC=1000 was no better and held 1.8 GB. Costs memory, not correctness; an explicit GOGC wins.
 */
export const DEV_SERVER_ENV = { GOGC: process.env.GOGC ?? '400' };

function executable(path, probe = ['--version']) {
  try {
    accessSync(path, constants.X_OK);
    return spawnSync(path, probe, { stdio: 'ignore', timeout: 20_000 }).status === 0;
  } catch {
    return false;
  }
}

function onPath(name, probe) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name), probe)) return join(dir, name);
  }
  return null;
}

function findGo() {
  return onPath('go', ['version']) ?? (executable('/usr/local/go/bin/go', ['version']) ? '/usr/local/go/bin/go' : null);
}

export function findTemporalCli({ install = true, log = console.error } = {}) {
  if (process.env.TEMPORAL_CLI) {
    if (executable(process.env.TEMPORAL_CLI)) return process.env.TEMPORAL_CLI;
    log(`TEMPORAL_CLI=${process.env.TEMPORAL_CLI} is not an executable Temporal CLI; looking elsewhere`);
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  const local = join(TOOLS_BIN, 'temporal');
  if (executable(local)) return local;
  if (!install) return null;
  const go = findGo();
  if (!go) return null;
  log(`Building the Temporal CLI with Go (${TEMPORAL_CLI_MODULE}); this takes a few minutes once...`);
  mkdirSync(TOOLS_BIN, { recursive: true });
  try {
    execFileSync(go, ['install', TEMPORAL_CLI_MODULE], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GOBIN: TOOLS_BIN, GOFLAGS: '-trimpath' },
    });
  } catch {
    log('go install of the Temporal CLI failed.');
    return null;
  }
  return existsSync(local) && executable(local) ? local : null;
}

export const MISSING_TEMPORAL_HELP = [
  'No Temporal CLI found and none could be installed.',
  'Install one of:',
  '  - Go (https://go.dev/dl/), then rerun: the CLI is built into .tools/bin automatically;',
  '  - the Temporal CLI (https://docs.temporal.io/cli), on PATH or pointed to by TEMPORAL_CLI;',
  'or point TEMPORAL_ADDRESS at a running Temporal server.',
].join('\n');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cli = findTemporalCli();
  if (!cli) {
    console.error(MISSING_TEMPORAL_HELP);
    process.exit(1);
  }
  console.log(cli);
}
