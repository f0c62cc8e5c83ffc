import { PlatformError, type PlatformClientOptions } from '../platform.port.js';
import { parseShopifyJson } from './shopify-json.js';
import { isObject } from './shopify-values.js';

/** The Admin API version every call is pinned to (Shopify supports each stable version for a year). */
export const SHOPIFY_API_VERSION = '2025-07';

export interface ShopifyClientOptions extends PlatformClientOptions {
  /** One request's time limit before it counts as a retryable failure (default 20 s). */
  timeoutMs?: number;
  /** Retries of a 5xx, network error or timeout before the call fails as retryable (default 3). */
  maxRetries?: number;
  /** Answers of 429 honoured in one call before it fails as retryable (default 10). */
  maxThrottles?: number;
  /** The bucket's leak rate; default Shopify's: size / 20 per second (40 → 2/s; Plus 400 → 20/s). */
  leakPerSecond?: number;
  now?: () => number;
}

export interface ShopifyResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

type Query = Record<string, string | number | undefined>;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Shopify's `errors`: a string ("Not Found"), or per field (`{ "address": ["for this topic has already been taken"] }`). */
export function shopifyErrorMessage(body: unknown): string | null {
  const errors = isObject(body) ? (body['errors'] ?? body['error']) : null;
  if (typeof errors === 'string') return errors;
  if (Array.isArray(errors)) return errors.map((e) => (isObject(e) ? String(e['message'] ?? '') : String(e))).join('; ');
  if (isObject(errors)) {
    return Object.entries(errors)
      .map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(', ') : String(messages)}`)
      .join('; ');
  }
  return null;
}

/**
 * One store's Admin REST API: the access token, the pinned version, and Shopify's limits. The call limit is a leaky
 * bucket (`X-Shopify-Shop-Api-Call-Limit: 32/40`): we estimate its level from the last answer and wait before it
 * would overflow; a 429 waits its `Retry-After`; 5xx and timeouts are retried with backoff, then fail retryable.
 */
export class ShopifyHttp {
  private used = 0;
  private size = 40;
  private seenAt: number | null = null;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly origin: string,
    private readonly accessToken: string,
    private readonly options: ShopifyClientOptions = {},
  ) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
  }

  url(path: string, query: Query = {}): string {
    const url = new URL(`${this.origin}/admin/api/${SHOPIFY_API_VERSION}/${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  /** `accept` lists statuses the caller handles itself (404 on delete, 422 on an already registered webhook). */
  async request(method: string, path: string, init: { query?: Query; body?: unknown; accept?: number[] } = {}): Promise<ShopifyResponse> {
    const url = this.url(path, init.query);
    let failures = 0;
    let throttles = 0;
    for (;;) {
      await this.respectCallLimit();
      let response: Response;
      let text = '';
      try {
        response = await this.fetch(url, {
          method,
          headers: {
            'X-Shopify-Access-Token': this.accessToken,
            Accept: 'application/json',
            ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: init.body === undefined ? undefined : toShopifyJson(init.body),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000),
        });
        // The time limit covers the body too: a body that stalls is a timeout like a silent server.
        if (response.status === 429) await response.body?.cancel();
        else text = await response.text();
      } catch (error) {
        failures += 1;
        const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : `failed: ${(error as Error).message}`;
        if (failures > (this.options.maxRetries ?? 3)) throw new PlatformError('shopify', 0, `Shopify ${method} ${path} ${reason}`, true);
        await this.sleep(this.backoff(failures));
        continue;
      }
      this.recordCallLimit(response.headers);
      if (response.status === 429) {
        throttles += 1;
        const waitMs = retryAfterMs(response.headers.get('retry-after'));
        if (throttles > (this.options.maxThrottles ?? 10) || waitMs > this.maxWaitMs) {
          throw new PlatformError('shopify', 429, `Shopify rate limit: retry after ${waitMs / 1000} s`, true);
        }
        // The wait empties the bucket by Shopify's own measure; the next answer tells its level again.
        this.seenAt = null;
        await this.sleep(waitMs);
        continue;
      }
      if (response.status >= 500) {
        failures += 1;
        if (failures > (this.options.maxRetries ?? 3)) {
          throw new PlatformError('shopify', response.status, `Shopify answered ${response.status}: ${messageOf(text) ?? response.statusText}`, true);
        }
        await this.sleep(this.backoff(failures));
        continue;
      }
      const body = text === '' ? null : parseOrText(text);
      if (response.ok && text !== '' && isUnparsed(body)) {
        throw new PlatformError('shopify', response.status, `Shopify answered ${response.status} with a body that is not JSON`, true);
      }
      if (response.ok || init.accept?.includes(response.status)) return { status: response.status, headers: response.headers, body };
      throw new PlatformError('shopify', response.status, shopifyErrorMessage(body) ?? `Shopify answered ${response.status}`, false);
    }
  }

  private backoff(failures: number): number {
    return Math.min(this.maxWaitMs, 500 * 2 ** (failures - 1));
  }

  private recordCallLimit(headers: Headers): void {
    const match = /^(\d+)\/(\d+)$/.exec(headers.get('x-shopify-shop-api-call-limit')?.trim() ?? '');
    if (!match) return;
    this.used = Number(match[1]);
    this.size = Number(match[2]) || 40;
    this.seenAt = this.now();
  }

  /** Waits while the next call would take the bucket within its headroom (a tenth of it, at least 2 calls). */
  private async respectCallLimit(): Promise<void> {
    if (this.seenAt === null) return;
    const leak = this.options.leakPerSecond ?? this.size / 20;
    const level = Math.max(0, this.used - (Math.max(0, this.now() - this.seenAt) / 1000) * leak);
    const ceiling = this.size - Math.max(2, Math.ceil(this.size / 10));
    if (level + 1 <= ceiling) return;
    const waitMs = Math.ceil(((level + 1 - ceiling) / leak) * 1000);
    await this.sleep(Math.min(waitMs, this.maxWaitMs));
  }
}

/** `Retry-After` in seconds, Shopify sends "2.0"; 2 s when absent or unreadable. */
function retryAfterMs(value: string | null): number {
  const seconds = value === null ? Number.NaN : Number(value);
  return Math.ceil((Number.isFinite(seconds) && seconds >= 0 ? seconds : 2) * 1000);
}

/** JSON with bigint ids as bare numbers of every digit (Shopify's ids exceed 2^53). */
function toShopifyJson(value: unknown): string {
  const raw = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? raw(v.toString()) : v));
}

const UNPARSED = Symbol('unparsed');

/** Shopify's JSON, or (an HTML error page from a proxy) its text as the error message. */
function parseOrText(text: string): unknown {
  try {
    return parseShopifyJson(text);
  } catch {
    return { errors: text.slice(0, 500), [UNPARSED]: true };
  }
}

function isUnparsed(body: unknown): boolean {
  return isObject(body) && UNPARSED in body;
}

function messageOf(text: string): string | null {
  return text === '' ? null : shopifyErrorMessage(parseOrText(text));
}
