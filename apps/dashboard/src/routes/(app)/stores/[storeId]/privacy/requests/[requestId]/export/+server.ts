import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** A data request's export, passed through from the api as an attachment. */
export const GET: RequestHandler = async ({ locals, params }) => {
  const result = await locals.api.GET('/api/v1/stores/{storeId}/privacy-requests/{requestId}/export', {
    params: { path: { storeId: params.storeId, requestId: params.requestId } },
    parseAs: 'text',
  });
  if (!result.response.ok || typeof result.data !== 'string') error(result.response.status === 404 ? 404 : 502, 'This export is not available.');
  return new Response(result.data, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': result.response.headers.get('content-disposition') ?? `attachment; filename="data-request-${params.requestId}.json"`,
      'cache-control': 'no-store',
    },
  });
};
