/**
 * Hits the health route every `everyMs` while the fuzzer runs: if a request blocks the api's event loop, health
 * answers late, and the percentiles show it.
 */
export class HealthPoller {
  readonly latencies: number[] = [];
  readonly errors: string[] = [];
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly everyMs = 50,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = performance.now();
        try {
          const res = await fetch(this.url, { signal: AbortSignal.timeout(30_000) });
          await res.arrayBuffer();
          if (res.status !== 200) this.errors.push(`health answered ${res.status}`);
        } catch (err) {
          this.errors.push(`health failed: ${(err as Error).message}`);
        }
        const took = performance.now() - started;
        this.latencies.push(took);
        await new Promise((r) => setTimeout(r, Math.max(0, this.everyMs - took)));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  summary(): { samples: number; p50: number; p99: number; max: number } {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { samples: sorted.length, p50: Math.round(at(0.5)), p99: Math.round(at(0.99)), max: Math.round(sorted[sorted.length - 1] ?? 0) };
  }
}
