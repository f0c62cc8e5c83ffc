import { getConnection } from '../../../../lib/server/connection-api.js';
import { getStoreDashboard } from '../../../../lib/server/store-dashboard-api.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  const [connection, dashboard] = await Promise.all([getConnection(locals.api, params.storeId), getStoreDashboard(locals.api, params.storeId)]);
  return { connection, dashboard };
};
