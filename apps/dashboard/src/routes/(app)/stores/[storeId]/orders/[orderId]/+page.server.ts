import { expectOk } from '../../../../../../lib/server/api.js';
import { apiFailure, text } from '../../../../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
  const path = { storeId: params.storeId, orderId: params.orderId };
  const [{ store }, order, timeline] = await Promise.all([
    parent(),
    locals.api.GET('/api/v1/stores/{storeId}/orders/{orderId}', { params: { path } }).then(expectOk),
    locals.api.GET('/api/v1/stores/{storeId}/orders/{orderId}/timeline', { params: { path } }).then(expectOk),
  ]);
  return { store, order, timeline };
};

export const actions: Actions = {
  /** Adds a tracking number; the platform's refusal comes back as the api's sentence above the form. */
  addTracking: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = { carrier: text(form, 'carrier').trim(), number: text(form, 'number').trim(), url: text(form, 'url').trim() };
    const result = await locals.api.POST('/api/v1/stores/{storeId}/orders/{orderId}/tracking', {
      params: { path: { storeId: params.storeId, orderId: params.orderId } },
      body: { carrier: values.carrier, number: values.number, ...(values.url ? { url: values.url } : {}) },
    });
    if (!result.data) return apiFailure(result, values);
    return { added: { carrier: result.data.carrier, number: result.data.number, pushedTo: result.data.pushedTo } };
  },
};
