import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

// The stores home is the first store's dashboard; an account without a store starts by adding one.
export const load: PageServerLoad = async ({ parent }) => {
  const { stores } = await parent();
  redirect(303, stores.length > 0 ? `/stores/${stores[0].id}` : '/stores/new');
};
