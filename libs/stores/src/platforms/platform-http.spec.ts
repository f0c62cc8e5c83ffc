import { mapLimited, PlatformHttp, retryAfterHeaderMs } from './platform-http.js';
import { PlatformError } from './platform.port.js';

const answer = (status: number, body = '', headers: Record<string, string> = {}) => new Response(status === 204 ? null : body, { status, headers });

describe('PlatformHttp', () => {
  let sleeps: number[];
  const http = (responses: (Response | Error)[], pauseAfterMs?: (res: Response) => number) => {
    const queue = [...responses];
    return new PlatformHttp(
      {
        platform: 'woocommerce',
        headers: {},
        retryAfterMs: (res) => (res.status === 429 ? (retryAfterHeaderMs(res) ?? 1000) : null),
        pauseAfterMs,
        errorMessage: (body) => ((body as { message?: string } | null)?.message ?? null),
      },
      {
        fetch: async () => {
          const next = queue.shift()!;
          if (next instanceof Error) throw next;
          return next;
        },
        sleep: async (ms) => void sleeps.push(ms),
      },
    );
  };
  beforeEach(() => (sleeps = []));

  it('reads an empty 204 as null and JSON otherwise', async () => {
    await expect(http([answer(204)]).request('GET', 'http://x/')).resolves.toMatchObject({ status: 204, body: null });
    await expect(http([answer(200, '[1]')]).request('GET', 'http://x/')).resolves.toMatchObject({ body: [1] });
  });

  it('refuses a 200 that is not JSON (a security plugin’s HTML page) without retrying', async () => {
    await expect(http([answer(200, '<html>blocked</html>')]).request('GET', 'http://x/')).rejects.toMatchObject({ retryable: false, message: /something other than JSON: <html>blocked/ });
  });

  it('retries network failures with backoff, then fails retryable with status 0', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    await expect(http([refused, refused, refused, refused]).request('GET', 'http://x/')).rejects.toMatchObject({ status: 0, retryable: true, message: 'woocommerce did not answer: ECONNREFUSED' });
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('does not retry a 4xx, and lets the caller take the statuses it handles', async () => {
    const error = await http([answer(403, '{"message":"Sorry, you cannot list resources."}')]).request('GET', 'http://x/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ status: 403, retryable: false, message: 'Sorry, you cannot list resources.' });
    await expect(http([answer(404, '{}')]).request('GET', 'http://x/', undefined, [404])).resolves.toMatchObject({ status: 404 });
  });

  it('reports a redirect instead of following it with the credentials', async () => {
    await expect(http([answer(301, '', { location: 'https://x/' })]).request('GET', 'http://x/')).rejects.toMatchObject({ status: 301, message: 'woocommerce redirected the API request to https://x/' });
  });

  it('gives up on rate limits after five waits', async () => {
    await expect(http(Array.from({ length: 6 }, () => answer(429))).request('GET', 'http://x/')).rejects.toMatchObject({ status: 429, retryable: true });
    expect(sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('holds every following request, from any caller, while the quota is spent', async () => {
    let release!: () => void;
    const fetched: string[] = [];
    const queue = [answer(200, '1', { left: '0' }), answer(200, '2'), answer(200, '3')];
    const client = new PlatformHttp(
      { platform: 'bigcommerce', headers: {}, retryAfterMs: () => null, pauseAfterMs: (res) => (res.headers.get('left') === '0' ? 700 : 0), errorMessage: () => null },
      {
        fetch: async (url) => {
          fetched.push(String(url));
          return queue.shift()!;
        },
        sleep: (ms) => {
          sleeps.push(ms);
          return new Promise<void>((resolve) => (release = resolve));
        },
      },
    );
    await client.request('GET', 'http://x/1');
    const rest = Promise.all([client.request('GET', 'http://x/2'), client.request('GET', 'http://x/3')]);
    await new Promise((r) => setTimeout(r, 20));
    expect(fetched).toEqual(['http://x/1']);
    release();
    await rest;
    expect(fetched).toEqual(['http://x/1', 'http://x/2', 'http://x/3']);
    expect(sleeps).toEqual([700]);
  });
});

describe('retryAfterHeaderMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterHeaderMs(answer(429, '', { 'retry-after': '2.5' }))).toBe(2500);
    expect(retryAfterHeaderMs(answer(429, '', { 'retry-after': 'Thu, 26 Nov 2026 06:00:10 GMT' }), Date.parse('2026-11-26T06:00:00Z'))).toBe(10_000);
    expect(retryAfterHeaderMs(answer(429, '', { 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterHeaderMs(answer(429))).toBeNull();
  });
});

describe('mapLimited', () => {
  it('keeps the input order with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const result = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});
