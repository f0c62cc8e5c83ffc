import { expectOk } from '../../../../../../lib/server/api.js';
import { apiFailure } from '../../../../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, depends }) => {
  depends('app:sync');
  const result = await locals.api.GET('/api/v1/stores/{storeId}/sync', { params: { path: { storeId: params.storeId } } });
  // 404: the store never synced its history.
  return { run: result.response.status === 404 ? null : expectOk(result) };
};

export const actions: Actions = {
  start: async ({ locals, params }) => {
    const result = await locals.api.POST('/api/v1/stores/{storeId}/sync', { params: { path: { storeId: params.storeId } } });
    if (result.response.status === 409) return apiFailure(result, {});
    return { started: expectOk(result) };
  },
};
