import { expectOk } from '../../../../../lib/server/api.js';
import type { PageServerLoad } from './$types';

/** Outgoing webhooks: the store's endpoints. */
export const load: PageServerLoad = async ({ locals, params }) => {
  const { endpoints } = expectOk(await locals.api.GET('/api/v1/stores/{storeId}/webhook-endpoints', { params: { path: { storeId: params.storeId } } }));
  return { endpoints };
};
