import { expectOk } from '../../../../../lib/server/api.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
  const [{ store }, outbox] = await Promise.all([
    parent(),
    locals.api.GET('/api/v1/stores/{storeId}/outbox', { params: { path: { storeId: params.storeId }, query: { limit: 100 } } }).then(expectOk),
  ]);
  return { store, emails: outbox.emails };
};
