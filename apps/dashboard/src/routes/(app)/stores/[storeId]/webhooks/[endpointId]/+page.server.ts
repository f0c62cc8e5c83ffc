import { redirect } from '@sveltejs/kit';
import { expectOk } from '../../../../../../lib/server/api.js';
import { apiFailure, text } from '../../../../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

/** One endpoint: its state, its delivery log (newest first, paged by `before`), and what the merchant may do. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  const path = { storeId: params.storeId, endpointId: params.endpointId };
  const before = url.searchParams.get('before') ?? undefined;
  const [endpoint, log] = await Promise.all([
    locals.api.GET('/api/v1/stores/{storeId}/webhook-endpoints/{endpointId}', { params: { path } }).then(expectOk),
    locals.api.GET('/api/v1/stores/{storeId}/webhook-endpoints/{endpointId}/deliveries', { params: { path, query: { limit: 25, ...(before ? { before } : {}) } } }).then(expectOk),
  ]);
  return { endpoint, deliveries: log.deliveries, nextBefore: log.nextBefore };
};

export const actions: Actions = {
  status: async ({ locals, params, request }) => {
    const status = text(await request.formData(), 'status') === 'active' ? 'active' : 'disabled';
    const result = await locals.api.PATCH('/api/v1/stores/{storeId}/webhook-endpoints/{endpointId}', {
      params: { path: { storeId: params.storeId, endpointId: params.endpointId } },
      body: { status },
    });
    if (!result.data) return apiFailure(result, {});
    return { statusChanged: status };
  },
  reveal: async ({ locals, params }) => {
    const result = await locals.api.GET('/api/v1/stores/{storeId}/webhook-endpoints/{endpointId}/secret', {
      params: { path: { storeId: params.storeId, endpointId: params.endpointId } },
    });
    if (!result.data) return apiFailure(result, {});
    return { secret: result.data.secret };
  },
  resend: async ({ locals, params, request }) => {
    const deliveryId = text(await request.formData(), 'deliveryId');
    const result = await locals.api.POST('/api/v1/stores/{storeId}/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/resend', {
      params: { path: { storeId: params.storeId, endpointId: params.endpointId, deliveryId } },
    });
    if (!result.data) return apiFailure(result, {});
    return { resent: result.data.eventType };
  },
  remove: async ({ locals, params }) => {
    const result = await locals.api.DELETE('/api/v1/stores/{storeId}/webhook-endpoints/{endpointId}', {
      params: { path: { storeId: params.storeId, endpointId: params.endpointId } },
    });
    if (result.response.status !== 204) return apiFailure(result, {});
    redirect(303, `/stores/${params.storeId}/webhooks`);
  },
};
