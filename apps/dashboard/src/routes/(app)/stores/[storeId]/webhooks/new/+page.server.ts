import { expectOk } from '../../../../../../lib/server/api.js';
import { apiFailure, text } from '../../../../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
  const { eventTypes } = expectOk(await locals.api.GET('/api/v1/stores/{storeId}/webhook-endpoints', { params: { path: { storeId: params.storeId } } }));
  return { eventTypes };
};

export const actions: Actions = {
  default: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = { url: text(form, 'url').trim(), description: text(form, 'description').trim(), eventTypes: form.getAll('eventTypes').map(String) };
    const result = await locals.api.POST('/api/v1/stores/{storeId}/webhook-endpoints', {
      params: { path: { storeId: params.storeId } },
      body: { url: values.url, ...(values.description ? { description: values.description } : {}), eventTypes: values.eventTypes as never },
    });
    if (!result.data) return apiFailure(result, values);
    // The secret is shown once here; the endpoint's page can reveal it again.
    return { created: { id: result.data.endpoint.id, url: result.data.endpoint.url, secret: result.data.secret } };
  },
};
