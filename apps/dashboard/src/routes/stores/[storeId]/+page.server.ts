import { readFromApi } from '../../../lib/server/api-load.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params }) =>
  readFromApi(fetch, async (api) => {
    // the store first, so an unknown id is a plain 404 rather than four
    const store = await api.getStore(params.storeId);
    const [rules, pending, sent, outbox] = await Promise.all([
      api.listRules(store.id),
      api.listPending(store.id),
      api.listSent(store.id),
      api.listOutbox(store.id),
    ]);
    return { store, rules, pending, sent, outbox };
  });
