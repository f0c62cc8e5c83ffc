import { expectOk } from '../../../../../lib/server/api.js';
import type { PageServerLoad } from './$types';

/** The store's GDPR trail: erasures (by the merchant or the platform) and data requests with their exports. */
export const load: PageServerLoad = async ({ locals, params, parent, url }) => {
  const [{ store }, list] = await Promise.all([
    parent(),
    locals.api.GET('/api/v1/stores/{storeId}/privacy-requests', { params: { path: { storeId: params.storeId }, query: { limit: 100 } } }).then(expectOk),
  ]);
  return { store, requests: list.requests, erased: url.searchParams.get('erased') };
};
