import type { OutboxEmail, OutboxSummary, PendingMessage, Rule, SentMessage, Store } from '../api-types.js';

const TIMEOUT_MS = 10_000;

/** The API could not be reached at all (refused, DNS, timeout). */
export class ApiUnreachableError extends Error {
  readonly code = 'api_unreachable';
  constructor(
    readonly url: string,
    readonly detail: string,
  ) {
    super(`The Boomerang API at ${url} is unreachable (${detail}).`);
    this.name = 'ApiUnreachableError';
  }
}

/** The API answered, but not with a usable 2xx JSON body. */
export class ApiResponseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiResponseError';
  }
}

export interface BoomerangApiOptions {
  apiUrl: string;
  adminApiKey: string;
  fetch?: typeof fetch;
}

/** Read-only client for the admin side of the Boomerang REST API. */
export function createBoomerangApi({ apiUrl, adminApiKey, fetch: fetchFn = fetch }: BoomerangApiOptions) {
  async function get<T>(path: string): Promise<T> {
    const url = `${apiUrl}/api/v1${path}`;
    let response: Response;
    try {
      response = await fetchFn(url, {
        headers: { authorization: `Bearer ${adminApiKey}`, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new ApiUnreachableError(apiUrl, describeNetworkError(err));
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const { error, message } = (body ?? {}) as { error?: unknown; message?: unknown };
      throw new ApiResponseError(
        response.status,
        typeof error === 'string' ? error : 'http_error',
        typeof message === 'string' ? message : `${response.status} ${response.statusText}`.trim(),
      );
    }
    if (body === undefined) throw new ApiResponseError(502, 'bad_response', `GET ${path} did not return JSON`);
    return body as T;
  }

  const store = (storeId: string) => `/stores/${encodeURIComponent(storeId)}`;

  return {
    listStores: async () => (await get<{ stores: Store[] }>('/stores')).stores,
    getStore: (storeId: string) => get<Store>(store(storeId)),
    listRules: async (storeId: string) => (await get<{ rules: Rule[] }>(`${store(storeId)}/rules`)).rules,
    listPending: async (storeId: string) =>
      (await get<{ pending: PendingMessage[] }>(`${store(storeId)}/messages/pending`)).pending,
    listSent: async (storeId: string) => (await get<{ sent: SentMessage[] }>(`${store(storeId)}/messages/sent`)).sent,
    listOutbox: async (storeId: string) => (await get<{ emails: OutboxSummary[] }>(`${store(storeId)}/outbox`)).emails,
    getOutboxEmail: (storeId: string, emailId: string) =>
      get<OutboxEmail>(`${store(storeId)}/outbox/${encodeURIComponent(emailId)}`),
  };
}

export type BoomerangApi = ReturnType<typeof createBoomerangApi>;

function describeNetworkError(err: unknown): string {
  if (err instanceof DOMException && err.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000}s`;
  // undici reports the socket error (ECONNREFUSED, ENOTFOUND…) as the cause of "fetch failed"
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
