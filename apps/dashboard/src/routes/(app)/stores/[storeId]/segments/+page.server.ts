import { expectOk } from '../../../../../lib/server/api.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  const { segments } = expectOk(await locals.api.GET('/api/v1/stores/{storeId}/segments', { params: { path: { storeId: params.storeId } } }));
  return { segments };
};
