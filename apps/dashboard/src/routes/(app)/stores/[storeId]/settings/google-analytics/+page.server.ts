import { redirect } from '@sveltejs/kit';
import { expectOk } from '../../../../../../lib/server/api.js';
import { apiFailure, formError, text } from '../../../../../../lib/server/forms.js';
import { getGoogleAnalytics } from '../../../../../../lib/server/google-analytics-api.js';
import type { Actions, PageServerLoad } from './$types';

/** A key file is a few kilobytes; anything much larger is not one. */
const MAX_KEY_BYTES = 20_000;

export const load: PageServerLoad = async ({ locals, params }) => ({ analytics: await getGoogleAnalytics(locals.api, params.storeId) });

export const actions: Actions = {
  connect: async ({ request, locals, params }) => {
    const form = await request.formData();
    const propertyId = text(form, 'propertyId').trim();
    // The JSON key file pasted, or uploaded (the upload wins when both are given).
    const file = form.get('keyFile');
    const uploaded = file instanceof File && file.size > 0 ? (file.size > MAX_KEY_BYTES ? null : await file.text()) : '';
    const values = { propertyId, keyJson: '' };
    if (uploaded === null) return fieldFailure('serviceAccountKey', 'This file is too large to be a service account key file.', values);
    const raw = uploaded || text(form, 'keyJson');
    if (!raw.trim()) return fieldFailure('serviceAccountKey', 'Paste the JSON key file of the service account, or upload it.', values);
    let serviceAccountKey: unknown;
    try {
      serviceAccountKey = JSON.parse(raw);
    } catch {
      return fieldFailure('serviceAccountKey', 'This is not JSON: paste the whole key file as Google downloaded it.', values);
    }
    const result = await locals.api.PUT('/api/v1/stores/{storeId}/google-analytics', {
      params: { path: { storeId: params.storeId } },
      body: { propertyId, serviceAccountKey } as never,
    });
    if (!result.response.ok) {
      const failure = apiFailure(result, values);
      // Every issue about the key file shows beside its field.
      for (const [field, message] of Object.entries(failure.data.errors)) {
        if (field.startsWith('serviceAccountKey.')) failure.data.errors.serviceAccountKey ??= `${field.slice('serviceAccountKey.'.length)}: ${message}`;
      }
      return failure;
    }
    redirect(303, `/stores/${params.storeId}/settings/google-analytics?connected=1`);
  },
  disconnect: async ({ locals, params }) => {
    expectOk(await locals.api.DELETE('/api/v1/stores/{storeId}/google-analytics', { params: { path: { storeId: params.storeId } } }));
    return { disconnected: true };
  },
};

function fieldFailure(field: string, message: string, values: { propertyId: string; keyJson: string }) {
  const failure = formError(400, 'Please correct the fields marked below.', 'validation_failed', values);
  failure.data.errors[field] = message;
  return failure;
}
