/** One HTTP exchange with a service, as adapters judge it. */
export interface HttpAnswer {
  status: number | null;
  body: string;
  /** Retry-After in ms (seconds or an HTTP date), when given. */
  retryAfterMs: number | null;
  durationMs: number;
  /** The network failure (refused, reset, timed out) when there was no answer. */
  error: string | null;
}

const KEPT_BODY = 2_000;

export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1_000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A request that never throws: network failures and timeouts come back as `error` (adapters retry them). */
export async function exchange(url: string, init: { method: string; headers?: Record<string, string>; body?: string; timeoutMs: number }): Promise<HttpAnswer> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(url, { method: init.method, headers: init.headers, body: init.body, redirect: 'manual', signal: AbortSignal.timeout(init.timeoutMs) });
    const body = (await res.text()).slice(0, KEPT_BODY);
    return { status: res.status, body, retryAfterMs: retryAfterMs(res.headers.get('retry-after')), durationMs: took(), error: null };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${init.timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { status: null, body: '', retryAfterMs: null, durationMs: took(), error: reason };
  }
}

/** An answer that should be tried again later: no answer, 429 or 5xx. */
export const transient = (a: HttpAnswer) => a.status === null || a.status === 429 || a.status >= 500;
