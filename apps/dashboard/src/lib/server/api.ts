import { error, type Cookies } from '@sveltejs/kit';
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../api/schema.js';
import { config } from './config.js';

/** The dashboard's typed client of the Boomerang API, generated from apps/api/openapi.json (`npm run api-client`). */
export type Api = Client<paths>;
export type Schemas = components['schemas'];
/** The api's error body: a stable code, a sentence, and the fields at fault. */
export type ApiError = Schemas['Error'];

/** The session cookie: the api's `bms_…` token, never readable by scripts in the page. */
export const SESSION_COOKIE = 'boomerang_session';
const TIMEOUT_MS = 15_000;

/**
 * One client per request. The dashboard is the browser's only server (a backend-for-frontend): it keeps the
 * session token in an http-only cookie and sends it to the api as a bearer token, with the browser's address for
 * the api's per-IP rate limits.
 */
export function createApi(fetchFn: typeof fetch, sessionToken: string | null, clientAddress: string | null): Api {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (sessionToken) headers.authorization = `Bearer ${sessionToken}`;
  if (clientAddress) headers['x-forwarded-for'] = clientAddress;
  return createClient<paths>({
    baseUrl: config.apiUrl,
    headers,
    fetch: (request: Request) =>
      fetchFn(request, { signal: AbortSignal.timeout(TIMEOUT_MS) }).catch((err: unknown) => {
        error(502, `The Boomerang API at ${config.apiUrl} is unreachable (${describeNetworkError(err)}).`);
      }),
  });
}

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: string | Date): void {
  cookies.set(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(cookies: Cookies): void {
  cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' });
}

/**
 * The data of a 2xx answer; anything else becomes the error page (a 404 stays a 404: an unknown store or one of
 * another account looks the same), except 401, which the caller's layout turns into a redirect to sign-in.
 */
export function expectOk<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok && result.response.status === 204) return undefined as T;
  const body = result.error as Partial<ApiError> | undefined;
  const status = result.response.status;
  const message = body?.message ?? `${status} ${result.response.statusText}`.trim();
  if (status === 404 || status === 401 || status === 403 || status === 410 || status === 429) error(status, message);
  error(502, `The Boomerang API answered ${status} (${body?.error ?? 'http_error'}): ${message}`);
}

/** Field → message, for showing the api's validation issues beside the inputs they concern. */
export function fieldErrors(body: unknown): Record<string, string> {
  const issues = (body as Partial<ApiError> | undefined)?.issues ?? [];
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.field] ??= issue.message;
  return out;
}

function describeNetworkError(err: unknown): string {
  if (err instanceof DOMException && err.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000}s`;
  // undici reports the socket error (ECONNREFUSED, ENOTFOUND…) as the cause of "fetch failed"
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}
