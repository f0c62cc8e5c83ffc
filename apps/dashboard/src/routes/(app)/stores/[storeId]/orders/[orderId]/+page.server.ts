import { expectOk } from '../../../../../../lib/server/api.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
  const path = { storeId: params.storeId, orderId: params.orderId };
  const [{ store }, order, timeline] = await Promise.all([
    parent(),
    locals.api.GET('/api/v1/stores/{storeId}/orders/{orderId}', { params: { path } }).then(expectOk),
    locals.api.GET('/api/v1/stores/{storeId}/orders/{orderId}/timeline', { params: { path } }).then(expectOk),
  ]);
  return { store, order, timeline };
};
