import { redirect } from '@sveltejs/kit';
import { clearSessionCookie, expectOk } from '../../lib/server/api.js';
import type { LayoutServerLoad } from './$types';

/** Every (app) page needs a signed-in merchant; anyone else goes to sign-in and comes back here afterwards. */
export const load: LayoutServerLoad = async ({ locals, url, cookies }) => {
  const signIn = `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`;
  if (!locals.sessionToken) redirect(303, signIn);
  const result = await locals.api.GET('/api/v1/account');
  if (result.response.status === 401) {
    // Expired or revoked (e.g. a password reset elsewhere): forget the cookie so sign-in starts clean.
    clearSessionCookie(cookies);
    redirect(303, signIn);
  }
  const { user, account, stores } = expectOk(result);
  return { user, account, stores };
};
