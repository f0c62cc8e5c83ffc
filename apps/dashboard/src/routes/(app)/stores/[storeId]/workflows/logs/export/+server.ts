import { error } from '@sveltejs/kit';
import { expectOk } from '../../../../../../../lib/server/api.js';
import { dayRangeToInstants, logKindOf } from '../../../../../../../lib/retention/rule-format.js';
import { loadStore } from '../../../../../../../lib/retention/store.server.js';
import type { RequestHandler } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The CSV of one log, streamed from the api with the merchant's session (the browser never holds an api credential). */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  const kind = logKindOf(url.searchParams.get('kind'));
  const store = await loadStore(locals.api, params.storeId);
  const range = dayRangeToInstants(url.searchParams.get('from'), url.searchParams.get('to'), store.timezone);
  const ruleId = url.searchParams.get('ruleId');
  const result = await locals.api.GET('/api/v1/stores/{storeId}/logs/{kind}/export', {
    params: { path: { storeId: params.storeId, kind }, query: { ...range, ...(ruleId && UUID.test(ruleId) && { ruleId }) } },
    parseAs: 'stream',
  });
  if (!result.response.ok || !result.response.body) {
    expectOk(result);
    error(502, 'The export could not be read.');
  }
  const day = new Date().toISOString().slice(0, 10);
  return new Response(result.response.body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${kind}-${day}.csv"`,
      'cache-control': 'no-store',
    },
  });
};
