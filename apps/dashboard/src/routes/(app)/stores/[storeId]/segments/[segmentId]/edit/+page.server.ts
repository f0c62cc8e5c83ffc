import { fail, redirect } from '@sveltejs/kit';
import { expectOk, fieldErrors } from '../../../../../../../lib/server/api.js';
import { loadCriteria, parseDefinition } from '../../../../../../../lib/segments/segments-api.server.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  const [segment, catalogue] = await Promise.all([
    locals.api.GET('/api/v1/stores/{storeId}/segments/{segmentId}', { params: { path: { storeId: params.storeId, segmentId: params.segmentId } } }).then(expectOk),
    loadCriteria(locals.api, params.storeId),
  ]);
  return { segment, ...catalogue };
};

export const actions: Actions = {
  default: async ({ request, locals, params }) => {
    const form = await request.formData();
    const name = String(form.get('name') ?? '');
    const definition = parseDefinition(form.get('definition'));
    const result = await locals.api.PATCH('/api/v1/stores/{storeId}/segments/{segmentId}', {
      params: { path: { storeId: params.storeId, segmentId: params.segmentId } },
      body: { name, definition: definition as never },
    });
    if (result.response.status === 400) {
      const e = result.error as { message?: string } | undefined;
      return fail(400, { name, definition, errors: fieldErrors(result.error), message: e?.message ?? null });
    }
    expectOk(result);
    redirect(303, `/stores/${params.storeId}/segments/${params.segmentId}`);
  },
};
