import { expectOk } from '../../../../../lib/server/api.js';
import type { PageServerLoad } from './$types';

/** Apps: the store's installations and their state. */
export const load: PageServerLoad = async ({ locals, params }) => {
  const { apps } = expectOk(await locals.api.GET('/api/v1/stores/{storeId}/apps', { params: { path: { storeId: params.storeId } } }));
  return { apps };
};
