import { fail } from '@sveltejs/kit';
import { clearPrivacyCookie, privacyApi } from '../../../lib/server/privacy-session.js';
import type { Actions, PageServerLoad } from './$types';

const ENDED = 'Your session on this page has ended. For your privacy it lasts 15 minutes: ask the store for a new link.';

/** The customer's data, on the page session their link opened; an ended session shows nothing but that. */
export const load: PageServerLoad = async ({ fetch, cookies, getClientAddress }) => {
  const result = await privacyApi(fetch, cookies, getClientAddress()).GET('/api/v1/privacy/session');
  if (!result.data) {
    clearPrivacyCookie(cookies);
    return { page: null, message: ENDED };
  }
  return { page: result.data, message: null };
};

async function setSubscription(event: { fetch: typeof fetch; cookies: Parameters<typeof privacyApi>[1]; getClientAddress: () => string }, subscribed: boolean) {
  const result = await privacyApi(event.fetch, event.cookies, event.getClientAddress()).PUT('/api/v1/privacy/session/subscription', { body: { subscribed } });
  if (!result.data) return fail(result.response.status === 401 ? 401 : 502, { message: ENDED });
  return { saved: subscribed ? 'You are subscribed to the store’s emails.' : 'You are unsubscribed from the store’s marketing emails.' };
}

export const actions: Actions = {
  subscribe: (event) => setSubscription(event, true),
  unsubscribe: (event) => setSubscription(event, false),
};
