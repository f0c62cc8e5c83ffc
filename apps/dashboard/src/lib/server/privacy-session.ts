import type { Cookies } from '@sveltejs/kit';
import { createApi, type Api } from './api.js';
import { config } from './config.js';

/**
 * A customer's privacy page session (`bmp_…`, from using their emailed link once): kept in an http-only cookie scoped
 * to `/privacy`, sent to the api as a bearer token. It never meets the merchant's session cookie.
 */
export const PRIVACY_COOKIE = 'boomerang_privacy';

export function setPrivacyCookie(cookies: Cookies, session: string, expiresAt: string | Date): void {
  cookies.set(PRIVACY_COOKIE, session, { path: '/privacy', httpOnly: true, secure: config.secureCookies, sameSite: 'lax', expires: new Date(expiresAt) });
}

export function clearPrivacyCookie(cookies: Cookies): void {
  cookies.delete(PRIVACY_COOKIE, { path: '/privacy', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' });
}

/** The api as the customer whose page session the cookie holds (or as nobody). */
export function privacyApi(fetchFn: typeof fetch, cookies: Cookies, clientAddress: string | null): Api {
  return createApi(fetchFn, cookies.get(PRIVACY_COOKIE) ?? null, clientAddress);
}
