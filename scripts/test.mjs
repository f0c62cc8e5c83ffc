// `npm test`: every suite, as CI runs it. Lint and unit tests, the typed build (workflow bundle included),
// then the integration suites against real PostgreSQL and a real Temporal dev server.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from './ensure-chromium.mjs';
import { findTemporalCli, MISSING_TEMPORAL_HELP, ROOT } from './ensure-temporal.mjs';

const cli = findTemporalCli();
if (!cli) {
  console.error(MISSING_TEMPORAL_HELP);
  process.exit(1);
}
try {
  ensureChromium();
} catch (err) {
  console.error(err.message);
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
// CI keeps only the tail of the log: the failures are repeated here, last, with the start of their messages.
const failures = [];
if (existsSync(results)) {
  for (const file of readdirSync(results).filter((f) => f.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(join(results, file), 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    for (const suite of report.testResults ?? []) {
      const tests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
      for (const t of tests) failures.push(`${suite.name}\n  ✕ ${t.fullName}\n${firstLines(t.failureMessages?.join('\n'))}`);
      if (!tests.length && suite.status === 'failed') failures.push(`${suite.name}\n${firstLines(suite.message)}`);
    }
  }
}
if (failures.length) console.error(`\n=== failures ===\n${failures.join('\n\n')}`);
if (failedPhase) console.error(`\n${failedPhase} failed`);
console.log(`\n${passed} passed, ${failed} failed`);

function firstLines(text = '') {
  const plain = String(text).replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').filter((l) => l.trim()).slice(0, 12).map((l) => `    ${l.slice(0, 300)}`).join('\n');
}
process.exit(failedPhase || failed ? 1 : 0);
