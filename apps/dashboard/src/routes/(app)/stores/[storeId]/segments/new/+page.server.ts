import { fail, redirect } from '@sveltejs/kit';
import { expectOk, fieldErrors } from '../../../../../../lib/server/api.js';
import { loadCriteria, parseDefinition } from '../../../../../../lib/segments/segments-api.server.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => loadCriteria(locals.api, params.storeId);

export const actions: Actions = {
  default: async ({ request, locals, params }) => {
    const form = await request.formData();
    const name = String(form.get('name') ?? '');
    const definition = parseDefinition(form.get('definition'));
    const result = await locals.api.POST('/api/v1/stores/{storeId}/segments', {
      params: { path: { storeId: params.storeId } },
      body: { name, definition: definition as never },
    });
    if (result.response.status === 400 || result.response.status === 409) {
      const e = result.error as { message?: string } | undefined;
      return fail(result.response.status, { name, definition, errors: fieldErrors(result.error), message: e?.message ?? null });
    }
    const created = expectOk(result);
    redirect(303, `/stores/${params.storeId}/segments/${created.id}?created`);
  },
};
