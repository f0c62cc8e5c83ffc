import { readFromApi } from '../lib/server/api-load.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch }) => ({
  stores: await readFromApi(fetch, (api) => api.listStores()),
});
