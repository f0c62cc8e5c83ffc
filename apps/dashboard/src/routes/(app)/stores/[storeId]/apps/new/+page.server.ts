import { fail, redirect } from '@sveltejs/kit';
import { appConfigFromForm } from '../../../../../../lib/apps.js';
import { expectOk } from '../../../../../../lib/server/api.js';
import { apiFailure } from '../../../../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

/** "+ Add New → App": pick an app (`?kind=`), then configure it. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  const { available } = expectOk(await locals.api.GET('/api/v1/stores/{storeId}/apps', { params: { path: { storeId: params.storeId } } }));
  const kind = url.searchParams.get('kind');
  return { available, kind: available.some((a) => a.kind === kind) ? kind : null };
};

export const actions: Actions = {
  default: async ({ request, locals, params, url }) => {
    const kind = url.searchParams.get('kind') ?? '';
    const store = expectOk(await locals.api.GET('/api/v1/stores/{storeId}', { params: { path: { storeId: params.storeId } } }));
    const { config, values, error } = appConfigFromForm(kind, await request.formData(), store.currency);
    if (error) return fail(400, { errors: error, message: 'Please correct the fields marked below.', code: 'validation_failed', values });
    const result = await locals.api.POST('/api/v1/stores/{storeId}/apps', {
      params: { path: { storeId: params.storeId } },
      body: { kind, config, ...(values.description ? { description: values.description } : {}) } as never,
    });
    if (!result.data) return apiFailure(result, values);
    redirect(303, `/stores/${params.storeId}/apps/${result.data.id}?added=1`);
  },
};
