import { expectOk } from '../../../../../lib/server/api.js';
import { loadStats } from '../../../../../lib/retention/store.server.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
  const [store, stats, rules] = await Promise.all([
    parent().then((p) => p.store),
    loadStats(locals.api, params.storeId),
    locals.api.GET('/api/v1/stores/{storeId}/rules', { params: { path: { storeId: params.storeId } } }).then(expectOk),
  ]);
  return { store, stats, rules: rules.rules };
};
