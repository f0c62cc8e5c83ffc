import { error } from '@sveltejs/kit';
import { privacyApi } from '../../../../lib/server/privacy-session.js';
import type { RequestHandler } from './$types';

/** The customer's export, passed through from the api as the attachment it is. */
export const GET: RequestHandler = async ({ fetch, cookies, getClientAddress }) => {
  const result = await privacyApi(fetch, cookies, getClientAddress()).GET('/api/v1/privacy/session/export', { parseAs: 'text' });
  if (!result.response.ok || typeof result.data !== 'string') error(result.response.status === 401 ? 401 : 502, 'Your session on this page has ended: ask the store for a new link.');
  return new Response(result.data, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': result.response.headers.get('content-disposition') ?? 'attachment; filename="my-data.json"',
      'cache-control': 'no-store',
    },
  });
};
