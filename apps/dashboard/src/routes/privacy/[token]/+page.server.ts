import { fail, redirect } from '@sveltejs/kit';
import { createApi, type ApiError } from '../../../lib/server/api.js';
import { setPrivacyCookie } from '../../../lib/server/privacy-session.js';
import type { Actions, PageServerLoad } from './$types';

/** What a link that cannot be used says (and nothing else). */
function linkMessage(code: string | undefined): string {
  if (code === 'token_used') return 'This link was already used. For your privacy each link works once: ask the store for a new one.';
  if (code === 'token_expired') return 'This link has expired. For your privacy links work for 15 minutes: ask the store for a new one.';
  return 'This link is not valid. Check that you opened the whole link from the email, or ask the store for a new one.';
}

const anonymous = (fetchFn: typeof fetch, address: string | null) => createApi(fetchFn, null, address);

/**
 * The emailed link. Opening it only looks (mail scanners that fetch links do not spend it); "Show my data" uses it,
 * once, and continues on /privacy/me with a page session of 15 minutes.
 */
export const load: PageServerLoad = async ({ params, fetch, getClientAddress }) => {
  const result = await anonymous(fetch, getClientAddress()).GET('/api/v1/privacy/links/{token}', { params: { path: { token: params.token } } });
  if (!result.data) return { ok: false as const, message: linkMessage((result.error as Partial<ApiError> | undefined)?.error) };
  return { ok: true as const, storeName: result.data.storeName, expiresAt: result.data.expiresAt };
};

export const actions: Actions = {
  open: async ({ params, fetch, cookies, getClientAddress }) => {
    const result = await anonymous(fetch, getClientAddress()).POST('/api/v1/privacy/sessions', { body: { token: params.token } });
    if (!result.data) return fail(result.response.status, { message: linkMessage((result.error as Partial<ApiError> | undefined)?.error) });
    setPrivacyCookie(cookies, result.data.session, result.data.expiresAt);
    redirect(303, '/privacy/me');
  },
};
