import { redirect } from '@sveltejs/kit';
import { connectInput, isConnectPlatform, PLATFORM_FORMS } from '../../../../../lib/connection.js';
import { expectOk } from '../../../../../lib/server/api.js';
import { getConnection, putConnection, removeConnection, testConnection } from '../../../../../lib/server/connection-api.js';
import { apiFailure, formError, text } from '../../../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, depends }) => {
  depends('app:connection');
  return { connection: await getConnection(locals.api, params.storeId) };
};

export const actions: Actions = {
  connect: async ({ request, locals, params }) => {
    const form = await request.formData();
    const platform = text(form, 'platform');
    if (!isConnectPlatform(platform)) return formError(400, 'Choose your platform.', 'validation_failed', { platform });
    const names = platform === 'custom' ? [] : PLATFORM_FORMS[platform].fields.map((f) => f.name);
    const values = Object.fromEntries(names.map((n) => [n, text(form, n)]));
    const result = await putConnection(locals.api, params.storeId, connectInput(platform, values));
    // Credentials never go back into the form: only the platform and the address fields refill it.
    const refill = { platform, ...Object.fromEntries(Object.entries(values).filter(([n]) => !PLATFORM_FORMS[platform as 'shopify']?.fields.find((f) => f.name === n)?.secret)) };
    if (!result.response.ok) return apiFailure(result, refill);
    redirect(303, `/stores/${params.storeId}/connection?connected=1`);
  },
  test: async ({ locals, params }) => {
    const result = await testConnection(locals.api, params.storeId);
    if (result.response.status === 409 || result.response.status === 422 || result.response.status === 400) return apiFailure(result, {});
    expectOk(result);
    return { tested: true };
  },
  remove: async ({ locals, params }) => {
    const result = await removeConnection(locals.api, params.storeId);
    if (result.response.status === 404 || result.response.status === 409) return apiFailure(result, {});
    expectOk(result);
    redirect(303, `/stores/${params.storeId}/connection?removed=1`);
  },
};
