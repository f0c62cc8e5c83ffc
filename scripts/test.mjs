// `npm test`: every suite, as CI runs it. Lint and unit tests, the typed build (workflow bundle included),
// then the integration suites against real PostgreSQL and a real Temporal dev server.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findTemporalCli, MISSING_TEMPORAL_HELP, ROOT } from './ensure-temporal.mjs';

const cli = findTemporalCli();
if (!cli) {
  console.error(MISSING_TEMPORAL_HELP);
  process.exit(1);
}
const results = join(ROOT, '.test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const env = { ...process.env, TEMPORAL_CLI: cli, NX_DAEMON: 'false' };

const phases = [
  ['lint', ['run-many', '-t', 'lint']],
  ['unit tests', ['run-many', '-t', 'test']],
  ['build', ['run-many', '-t', 'build']],
  ['integration tests', ['run-many', '-t', 'test-integration', '--parallel=1']],
];
let failedPhase = null;
for (const [name, args] of phases) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync('nx', [...args, '--output-style=stream'], { cwd: ROOT, env, stdio: 'inherit' });
  if (r.status !== 0) {
    failedPhase = name;
    break;
  }
}

let passed = 0;
let failed = 0;
if (existsSync(results)) {
  for (const file of readdirSync(results)) {
    const report = JSON.parse(readFileSync(join(results, file), 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
}
if (failedPhase) console.error(`\n${failedPhase} failed`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failedPhase || failed ? 1 : 0);
