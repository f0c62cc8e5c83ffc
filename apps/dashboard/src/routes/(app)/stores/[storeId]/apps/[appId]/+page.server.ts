import { fail, redirect } from '@sveltejs/kit';
import { appConfigFromForm } from '../../../../../../lib/apps.js';
import { expectOk } from '../../../../../../lib/server/api.js';
import { apiFailure, text } from '../../../../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

/** One app: its state and settings, its delivery log (newest first, paged by `before`), and what the merchant may do. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
  const path = { storeId: params.storeId, appId: params.appId };
  const before = url.searchParams.get('before') ?? undefined;
  const [app, log] = await Promise.all([
    locals.api.GET('/api/v1/stores/{storeId}/apps/{appId}', { params: { path } }).then(expectOk),
    locals.api.GET('/api/v1/stores/{storeId}/apps/{appId}/deliveries', { params: { path, query: { limit: 25, ...(before ? { before } : {}) } } }).then(expectOk),
  ]);
  return { app, deliveries: log.deliveries, nextBefore: log.nextBefore, added: url.searchParams.has('added') };
};

export const actions: Actions = {
  update: async ({ locals, params, request }) => {
    const path = { storeId: params.storeId, appId: params.appId };
    const [store, app] = await Promise.all([
      locals.api.GET('/api/v1/stores/{storeId}', { params: { path: { storeId: params.storeId } } }).then(expectOk),
      locals.api.GET('/api/v1/stores/{storeId}/apps/{appId}', { params: { path } }).then(expectOk),
    ]);
    const { config, values, error } = appConfigFromForm(app.kind, await request.formData(), store.currency);
    if (error) return fail(400, { errors: error, message: 'Please correct the fields marked below.', code: 'validation_failed', values });
    const result = await locals.api.PATCH('/api/v1/stores/{storeId}/apps/{appId}', { params: { path }, body: { config, description: values.description || null } });
    if (!result.data) return apiFailure(result, values);
    return { saved: true };
  },
  status: async ({ locals, params, request }) => {
    const status = text(await request.formData(), 'status') === 'active' ? 'active' : 'disabled';
    const result = await locals.api.PATCH('/api/v1/stores/{storeId}/apps/{appId}', { params: { path: { storeId: params.storeId, appId: params.appId } }, body: { status } });
    if (!result.data) return apiFailure(result, {});
    return { statusChanged: status };
  },
  test: async ({ locals, params }) => {
    const result = await locals.api.POST('/api/v1/stores/{storeId}/apps/{appId}/test', { params: { path: { storeId: params.storeId, appId: params.appId } } });
    if (!result.data) return apiFailure(result, {});
    return { tested: result.data };
  },
  resend: async ({ locals, params, request }) => {
    const deliveryId = text(await request.formData(), 'deliveryId');
    const result = await locals.api.POST('/api/v1/stores/{storeId}/apps/{appId}/deliveries/{deliveryId}/resend', {
      params: { path: { storeId: params.storeId, appId: params.appId, deliveryId } },
    });
    if (!result.data) return apiFailure(result, {});
    return { resent: result.data.eventType };
  },
  remove: async ({ locals, params }) => {
    const result = await locals.api.DELETE('/api/v1/stores/{storeId}/apps/{appId}', { params: { path: { storeId: params.storeId, appId: params.appId } } });
    if (result.response.status !== 204) return apiFailure(result, {});
    redirect(303, `/stores/${params.storeId}/apps`);
  },
};
