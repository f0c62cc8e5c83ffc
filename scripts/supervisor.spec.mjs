import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CONFIG_EXIT_CODE, groupAlive, Supervisor, withoutSignalHandlers } from './supervisor.mjs';

const node = process.execPath;
const sleeper = ['-e', 'setInterval(() => {}, 1000)'];

async function until(check, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function quietSupervisor(options = {}) {
  const lines = [];
  const out = new PassThrough();
  out.resume();
  const log = (name, message) => {
    if (!message.startsWith('started')) lines.push(`${name} ${message}`);
  };
  const supervisor = new Supervisor({ log, ...options });
  return { supervisor, lines, io: { stdout: out, stderr: out } };
}

describe('Supervisor', () => {
  it('restarts a child killed with SIGKILL, logs it, and stop() leaves nothing running', async () => {
    const { supervisor, lines, io } = quietSupervisor({ initialBackoffMs: 50 });
    supervisor.run('worker', { command: node, args: sleeper, ...io });
    supervisor.run('api', { command: node, args: sleeper, ...io });
    const [first, api] = await until(() => supervisor.services.every((s) => s.pid) && supervisor.services.map((s) => s.pid), 'children');

    process.kill(first, 'SIGKILL');
    const second = await until(() => supervisor.services[0].pid !== first && supervisor.services[0].pid, 'the worker back');

    expect(supervisor.services).toEqual([
      { name: 'worker', pid: second, restarts: 1 },
      { name: 'api', pid: api, restarts: 0 },
    ]);
    expect(lines.some((l) => /^worker exited \(SIGKILL\) after .*; restarting in 50ms \(restart 1\)$/.test(l))).toBe(true);
    await supervisor.stop();
    expect([groupAlive(second), groupAlive(api)]).toEqual([false, false]);
    expect(lines.slice(-2)).toEqual(['api stopped', 'worker stopped']);
  });

  it('doubles the delay while a child keeps failing, up to the maximum', async () => {
    const { supervisor, lines, io } = quietSupervisor({ initialBackoffMs: 10, maxBackoffMs: 40 });
    supervisor.run('flaky', { command: node, args: ['-e', 'process.exit(1)'], ...io });
    await until(() => lines.length >= 4, 'four restarts');
    await supervisor.stop();
    const delays = lines.slice(0, 4).map((l) => l.match(/restarting in (\S+)/)[1]);
    expect(delays).toEqual(['10ms', '20ms', '40ms', '40ms']);
  });

  it('does not restart a child that refuses its configuration (exit 78), and reports it', async () => {
    const fatal = [];
    const { supervisor, lines, io } = quietSupervisor({ initialBackoffMs: 10, onFatal: (name, reason) => fatal.push([name, reason]) });
    supervisor.run('api', { command: node, args: ['-e', `process.exit(${CONFIG_EXIT_CODE})`], ...io });
    await until(() => fatal.length > 0, 'the fatal report');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fatal).toEqual([['api', 'invalid configuration']]);
    expect(supervisor.services[0].restarts).toBe(0);
    expect(lines).toHaveLength(1);
    await supervisor.stop();
  });

  it('kills a child (and what it started) that ignores SIGTERM', async () => {
    const { supervisor, lines, io } = quietSupervisor({ stopTimeoutMs: 300 });
    const stubborn = `process.on('SIGTERM', () => {}); require('node:child_process').spawn(process.execPath, ${JSON.stringify(sleeper)}, { stdio: 'ignore' }); console.log('ready'); setInterval(() => {}, 1000)`;
    const ready = new PassThrough();
    let output = '';
    ready.on('data', (chunk) => (output += chunk));
    supervisor.run('temporal', { command: node, args: ['-e', stubborn], stdout: ready, stderr: io.stderr });
    await until(() => output.includes('ready'), 'the child');
    const pid = supervisor.services[0].pid;
    await supervisor.stop();
    expect(groupAlive(pid)).toBe(false);
    expect(lines).toEqual(['temporal did not stop within 300ms; killing it', 'temporal stopped']);
  });

  it('drops the signal handlers a module installs while loading', async () => {
    const handler = () => {};
    const before = process.listeners('SIGTERM').length;
    await withoutSignalHandlers(async () => process.on('SIGTERM', handler).on('beforeExit', handler));
    expect(process.listeners('SIGTERM')).toHaveLength(before);
    expect(process.listeners('beforeExit')).not.toContain(handler);
  });
});

const leftovers = [];
afterEach(() => {
  // A failed test must not leave its toy stack running (and Jest waiting for it).
  for (const pgid of leftovers.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Runs `command` and resolves with the child and the pids it prints on its `PIDS [...]` line. */
async function startToy(command, args, options) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true, ...options });
  leftovers.push(child.pid);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  let status = null;
  child.once('exit', (code, signal) => (status = { code, signal }));
  const exited = until(() => status, `${command} to exit`);
  const pids = await until(() => output.match(/PIDS (\[.*\])/)?.[1], 'the toy stack');
  leftovers.push(...JSON.parse(pids));
  return { child, exited, pids: JSON.parse(pids), output: () => output };
}

describe('a start script on the supervisor (scripts/fixtures/toy-start.mjs)', () => {
  const toy = join(import.meta.dirname, 'fixtures', 'toy-start.mjs');

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'])('stops every child on %s to its own process', async (signal) => {
    const { child, exited, pids, output } = await startToy(node, [toy]);
    child.kill(signal);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output()).toContain('STOPPED');
    expect(pids.map(groupAlive)).toEqual([false, false]);
  });

  it('stops every child when the shell that runs it is killed', async () => {
    const { child, exited, pids } = await startToy('sh', ['-c', `"${node}" "${toy}"; true`]);
    child.kill('SIGTERM');
    await exited;
    await until(() => !pids.some(groupAlive), 'the children to stop');
  });
});

describe('npm start (the "start" script of package.json)', () => {
  const startScript = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')).scripts.start;
  let dir;

  beforeAll(() => {
    // A package with our start script, where scripts/start.mjs is the toy stack on the real supervisor.
    dir = mkdtempSync(join(tmpdir(), 'boomerang-npm-start-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'toy', private: true, type: 'module', scripts: { start: startScript } }));
    mkdirSync(join(dir, 'scripts'));
    // The toy imports `../supervisor.mjs`.
    cpSync(join(import.meta.dirname, 'fixtures', 'toy-start.mjs'), join(dir, 'scripts', 'start.mjs'));
    cpSync(join(import.meta.dirname, 'supervisor.mjs'), join(dir, 'supervisor.mjs'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['SIGINT', 'SIGTERM'])('stops every child on %s to the npm process', async (signal) => {
    const { child, exited, pids, output } = await startToy('npm', ['start', '--silent'], { cwd: dir });
    child.kill(signal);
    await exited;
    await until(() => !pids.some(groupAlive), 'the children to stop');
    await until(() => output().includes('STOPPED'), 'the start script to finish');
  });
});
