import { Worker } from 'node:worker_threads';

/**
 * The poll loop runs on a thread of its own: the api under test shares this process's event loop with the test,
 * so a poller on that loop would simply not run while a request blocked it, and would see nothing.
 */
const LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, everyMs } = workerData;
let running = true;
const latencies = [];
const errors = [];
parentPort.on('message', () => { running = false; });
(async () => {
  while (running) {
    const started = performance.now();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(30000) });
      await res.arrayBuffer();
      if (res.status !== 200) errors.push('health answered ' + res.status);
    } catch (err) {
      errors.push('health failed: ' + err.message);
    }
    const took = performance.now() - started;
    latencies.push(took);
    await new Promise((r) => setTimeout(r, Math.max(0, everyMs - took)));
  }
  parentPort.postMessage({ latencies, errors });
})();
`;

/**
 * Hits the health route every `everyMs` while the fuzzer runs: if a request blocks the api's event loop, health
 * answers late, and the percentiles show it.
 */
export class HealthPoller {
  latencies: number[] = [];
  errors: string[] = [];
  private worker?: Worker;
  private result?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly everyMs = 50,
  ) {}

  start(): void {
    const worker = new Worker(LOOP, { eval: true, workerData: { url: this.url, everyMs: this.everyMs } });
    this.worker = worker;
    this.result = new Promise((resolve, reject) => {
      worker.once('message', (m: { latencies: number[]; errors: string[] }) => {
        this.latencies = m.latencies;
        this.errors = m.errors;
        resolve();
      });
      worker.once('error', reject);
    });
  }

  async stop(): Promise<void> {
    this.worker?.postMessage('stop');
    await this.result;
    await this.worker?.terminate();
  }

  summary(): { samples: number; p50: number; p99: number; max: number } {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { samples: sorted.length, p50: Math.round(at(0.5)), p99: Math.round(at(0.99)), max: Math.round(sorted[sorted.length - 1] ?? 0) };
  }
}
