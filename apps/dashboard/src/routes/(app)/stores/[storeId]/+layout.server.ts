import { expectOk } from '../../../../lib/server/api.js';
import type { LayoutServerLoad } from './$types';

/** The store every page below works on; another account's store is a 404 (the api never says it exists). */
export const load: LayoutServerLoad = async ({ locals, params }) => {
  const store = expectOk(await locals.api.GET('/api/v1/stores/{storeId}', { params: { path: { storeId: params.storeId } } }));
  return { store };
};
