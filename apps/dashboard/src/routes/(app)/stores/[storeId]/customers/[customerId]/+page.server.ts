import { expectOk } from '../../../../../../lib/server/api.js';
import { apiFailure, text } from '../../../../../../lib/server/forms.js';
import { parsePages } from '../../../../../../lib/retention/rule-format.js';
import type { Actions, PageServerLoad } from './$types';

const TIMELINE_PAGE = 25;

export const load: PageServerLoad = async ({ locals, params, parent, url }) => {
  const path = { storeId: params.storeId, customerId: params.customerId };
  const pages = parsePages(url.searchParams.get('timeline'));
  const cursor = pages[pages.length - 1];
  const [{ store }, card, timeline] = await Promise.all([
    parent(),
    locals.api.GET('/api/v1/stores/{storeId}/customers/{customerId}', { params: { path } }).then(expectOk),
    locals.api
      .GET('/api/v1/stores/{storeId}/customers/{customerId}/timeline', { params: { path, query: { limit: TIMELINE_PAGE, ...(cursor && { cursor }) } } })
      .then((r) => (r.response.status === 400 ? { items: [], nextCursor: null } : expectOk(r))),
  ]);
  return { store, card, timeline, pages };
};

export const actions: Actions = {
  /** The card's drop-down: unsubscribe or resubscribe, with an optional reason. */
  subscription: async ({ locals, params, request }) => {
    const form = await request.formData();
    const subscribed = text(form, 'subscribed') === 'true';
    const reason = text(form, 'reason').trim();
    const result = await locals.api.POST('/api/v1/stores/{storeId}/customers/{customerId}/subscription', {
      params: { path: { storeId: params.storeId, customerId: params.customerId } },
      body: { subscribed, ...(reason && { reason }) },
    });
    if (!result.response.ok) return apiFailure(result, { reason });
    return { done: subscribed ? 'The customer is subscribed again.' : 'The customer is unsubscribed: no workflow will email them.' };
  },
};
