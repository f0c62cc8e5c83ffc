import { getConnection } from '../../../../lib/server/connection-api.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => ({ connection: await getConnection(locals.api, params.storeId) });
