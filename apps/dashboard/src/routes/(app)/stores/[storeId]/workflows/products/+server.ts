import { json } from '@sveltejs/kit';
import { expectOk } from '../../../../../../lib/server/api.js';
import { searchProducts } from '../../../../../../lib/retention/retention-api.server.js';
import type { RequestHandler } from './$types';

/** The SKUs the store has sold, for the products picker of step 1 (the browser only talks to the dashboard). */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  const q = (url.searchParams.get('q') ?? '').slice(0, 200);
  return json(expectOk(await searchProducts(locals.api, params.storeId, q, 20)));
};
