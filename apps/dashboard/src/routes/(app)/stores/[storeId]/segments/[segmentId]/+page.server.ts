import { fail, redirect } from '@sveltejs/kit';
import { expectOk } from '../../../../../../lib/server/api.js';
import { loadCriteria } from '../../../../../../lib/segments/segments-api.server.js';
import type { Actions, PageServerLoad } from './$types';

const PAGE = 25;

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const offset = Math.max(0, Math.min(1_000_000, Number.parseInt(url.searchParams.get('offset') ?? '0', 10) || 0));
  const path = { storeId: params.storeId, segmentId: params.segmentId };
  const [segment, members, catalogue] = await Promise.all([
    locals.api.GET('/api/v1/stores/{storeId}/segments/{segmentId}', { params: { path } }).then(expectOk),
    locals.api.GET('/api/v1/stores/{storeId}/segments/{segmentId}/members', { params: { path, query: { limit: PAGE, offset } } }).then(expectOk),
    loadCriteria(locals.api, params.storeId),
  ]);
  return { segment, members, criteria: catalogue.criteria };
};

export const actions: Actions = {
  delete: async ({ locals, params }) => {
    const result = await locals.api.DELETE('/api/v1/stores/{storeId}/segments/{segmentId}', {
      params: { path: { storeId: params.storeId, segmentId: params.segmentId } },
    });
    if (result.response.status === 409) return fail(409, { message: (result.error as { message?: string } | undefined)?.message ?? 'The segment is in use.' });
    expectOk(result);
    redirect(303, `/stores/${params.storeId}/segments?deleted`);
  },
};
