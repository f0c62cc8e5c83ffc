/**
 * `last_event_at` without one UPDATE per webhook: receivers note the time in memory, and one statement a second
 * writes the latest time of every store that received something (so at most one write per store per second).
 */
export class LastEventRecorder {
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (times: ReadonlyMap<string, Date>) => Promise<void>,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  note(storeId: string, at: Date = new Date()): void {
    const known = this.pending.get(storeId);
    if (!known || known < at) this.pending.set(storeId, at);
  }

  /** Writes what was noted; a failed write keeps the times for the next flush (a newer time wins). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.write(batch);
      } catch (err) {
        for (const [storeId, at] of batch) this.note(storeId, at);
        this.onError(err);
      }
    });
    return this.flushing;
  }

  start(everyMs = 1_000): void {
    this.timer ??= setInterval(() => void this.flush(), everyMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
