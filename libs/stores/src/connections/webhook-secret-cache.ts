import type { Platform } from '@boomerang/domain';

export interface WebhookSecretCacheOptions {
  /** How long a found secret is trusted; another replica's update reaches this one within it (default 30 s). */
  ttlMs?: number;
  /** How long "no such connection" is trusted, so a flood at an unknown store costs one read per window (default 5 s). */
  missTtlMs?: number;
  /** Bound on entries; the oldest go first (default 10,000). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  value: Promise<string | null>;
  expiresAt: number;
}

/**
 * The receivers' secrets in memory: at 1,000 webhooks a second, a store's secret is read from PostgreSQL (and
 * opened) about once per TTL instead of once per webhook. Concurrent misses share one read. This process's own
 * updates invalidate at once; other replicas within the TTL.
 */
export class WebhookSecretCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly missTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly load: (storeId: string, platform: Platform) => Promise<string | null>,
    options: WebhookSecretCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.missTtlMs = options.missTtlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get(storeId: string, platform: Platform): Promise<string | null> {
    const key = `${storeId}:${platform}`;
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    if (cached) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const entry: Entry = { value: this.load(storeId, platform), expiresAt: now + this.ttlMs };
    this.entries.set(key, entry);
    entry.value.then(
      (secret) => {
        if (secret === null && this.entries.get(key) === entry) entry.expiresAt = this.now() + this.missTtlMs;
      },
      // A failed read (database down) is not remembered: the next webhook tries again.
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  /** After the store's connection changed here. */
  invalidate(storeId: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${storeId}:`)) this.entries.delete(key);
  }
}
