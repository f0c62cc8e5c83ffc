/**
 * The HTTP loop the WooCommerce and BigCommerce clients share: JSON in and out, a per-request timeout, waits on
 * the platform's rate-limit signals (through an injected sleep, so tests never wait), exponential backoff on 5xx
 * and network failures, and every refusal as a PlatformError carrying the platform's own message.
 */
import type { Platform } from '@boomerang/domain';
import { PlatformError, type PlatformClientOptions } from './platform.port.js';

/** What a client factory accepts beyond the port's options (tests shorten the timeout to exercise a hang). */
export interface PlatformHttpTuning extends PlatformClientOptions {
  /** One request's deadline (default 30 s); a timeout counts as a retryable failure. */
  timeoutMs?: number;
  /** Retries after a 5xx or a network failure before giving up (default 3). */
  retries?: number;
}

export interface PlatformHttpConfig {
  platform: Platform;
  headers: Record<string, string>;
  /** How long to wait before retrying this response (429, or 503 with Retry-After); null when it is no rate limit. */
  retryAfterMs(res: Response): number | null;
  /** How long every request waits after this successful one (the quota is about to run out); 0 for none. */
  pauseAfterMs?(res: Response): number;
  /** The platform's own message out of an error body. */
  errorMessage(body: unknown, status: number): string | null;
}

export interface PlatformResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty body (204). */
  body: unknown;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
const DEFAULT_MAX_WAIT_MS = 30_000;
const BACKOFF_BASE_MS = 500;
/** Rate-limit waits per call before it fails as retryable (each wait is bounded by maxWaitMs too). */
const MAX_RATE_LIMIT_WAITS = 5;

export class PlatformHttp {
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxWaitMs: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  /** Set while the quota is spent: every request, from any concurrent caller, waits for it. */
  private gate: Promise<void> | null = null;

  constructor(
    private readonly config: PlatformHttpConfig,
    options: PlatformHttpTuning = {},
  ) {
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = options.retries ?? DEFAULT_RETRIES;
  }

  /**
   * Sends one request, retrying what the platform says is transient. `accept` lists the non-2xx statuses the caller
   * handles itself (404 for a missing order); any other refusal throws PlatformError.
   */
  async request(method: string, url: string, body?: unknown, accept: readonly number[] = []): Promise<PlatformResponse> {
    let failures = 0;
    let waits = 0;
    for (;;) {
      while (this.gate) await this.gate;
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          method,
          headers: body === undefined ? this.config.headers : { ...this.config.headers, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'manual',
        });
      } catch (err) {
        if (failures++ < this.retries) {
          await this.sleep(backoff(failures));
          continue;
        }
        throw new PlatformError(this.config.platform, 0, `${this.config.platform} did not answer: ${describe(err)}`, true);
      }

      const wait = this.config.retryAfterMs(res);
      if (wait !== null) {
        await res.arrayBuffer().catch(() => undefined);
        if (wait > this.maxWaitMs || waits++ >= MAX_RATE_LIMIT_WAITS) {
          throw new PlatformError(this.config.platform, res.status, `${this.config.platform} rate limit: retry in ${Math.ceil(wait / 1000)} s`, true);
        }
        await this.sleep(wait);
        continue;
      }

      if (res.status >= 500) {
        const message = await this.messageOf(res);
        if (failures++ < this.retries) {
          await this.sleep(backoff(failures));
          continue;
        }
        throw new PlatformError(this.config.platform, res.status, message, true);
      }

      if ((res.status >= 200 && res.status < 300) || accept.includes(res.status)) {
        const pause = this.config.pauseAfterMs?.(res) ?? 0;
        if (pause > 0 && !this.gate) this.gate = this.sleep(pause).finally(() => (this.gate = null));
        return { status: res.status, headers: res.headers, body: await this.jsonOf(res) };
      }
      // 3xx (a site redirecting its REST API, e.g. http → https) and 4xx are not retried: the request needs fixing.
      throw new PlatformError(this.config.platform, res.status, await this.messageOf(res), false);
    }
  }

  private async jsonOf(res: Response): Promise<unknown> {
    const raw = await res.text();
    if (raw.trim() === '') return null;
    try {
      return JSON.parse(raw);
    } catch {
      throw new PlatformError(this.config.platform, res.status, `${this.config.platform} answered with something other than JSON: ${raw.slice(0, 120)}`, false);
    }
  }

  private async messageOf(res: Response): Promise<string> {
    const raw = await res.text().catch(() => '');
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // an HTML error page: its status says enough
    }
    const own = this.config.errorMessage(parsed, res.status);
    if (own) return own;
    if (res.status >= 300 && res.status < 400) return `${this.config.platform} redirected the API request to ${res.headers.get('location') ?? 'elsewhere'}`;
    return `${this.config.platform} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  }
}

function backoff(attempt: number): number {
  return BACKOFF_BASE_MS * 2 ** (attempt - 1);
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds; null when absent or unreadable. */
export function retryAfterHeaderMs(res: Response, now = Date.now()): number | null {
  const value = res.headers.get('retry-after');
  if (value === null) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order in the result. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
