import { readFromApi } from '../../../../../lib/server/api-load.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params }) =>
  readFromApi(fetch, async (api) => {
    const [store, email] = await Promise.all([
      api.getStore(params.storeId),
      api.getOutboxEmail(params.storeId, params.emailId),
    ]);
    return { store, email };
  });
