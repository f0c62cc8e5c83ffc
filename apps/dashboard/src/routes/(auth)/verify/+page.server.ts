import { redirect } from '@sveltejs/kit';
import type { AccountOverview } from '../../../lib/account.js';
import { createApi, expectOk, setSessionCookie, type ApiError } from '../../../lib/server/api.js';
import { rateLimitMessage, tokenMessage } from '../../../lib/messages.js';
import type { PageServerLoad } from './$types';

/**
 * The link in the verification email. Verifying signs the merchant in; a new account goes straight to adding its
 * first store. A bad link says why (expired, used, invalid) and offers a new email.
 */
export const load: PageServerLoad = async ({ url, locals, cookies, fetch, getClientAddress }) => {
  const token = url.searchParams.get('token')?.trim();
  if (!token) return { code: 'token_invalid', message: tokenMessage('token_invalid', 'verify') };
  const result = await locals.api.POST('/api/v1/auth/verify', { body: { token } });
  if (result.response.status === 429) return { code: 'rate_limited', message: rateLimitMessage(result.response.headers.get('retry-after')) };
  if (!result.response.ok) {
    const code = (result.error as Partial<ApiError> | undefined)?.error;
    // The same link opened twice in a browser it already signed in (a reload, a second click): just carry on.
    if (code === 'token_used' && locals.sessionToken) {
      const account = await locals.api.GET('/api/v1/account');
      if (account.data) redirect(303, firstStop(account.data));
    }
    return { code: code ?? 'token_invalid', message: tokenMessage(code, 'verify') };
  }
  const { session } = expectOk(result);
  setSessionCookie(cookies, session.token, session.expiresAt);
  const api = createApi(fetch, session.token, getClientAddress());
  redirect(303, firstStop(expectOk(await api.GET('/api/v1/account'))));
};

/** A new account starts by adding its first store. */
function firstStop({ stores }: AccountOverview): string {
  return stores.length > 0 ? '/stores' : '/stores/new';
}
