import { redirect } from '@sveltejs/kit';
import { apiFailure, formError } from '../../../../../../lib/server/forms.js';
import type { Actions } from './$types';

/** The api's limit; checked here too so a big file gets a sentence, not a round trip. */
const MAX_LOGO_BYTES = 512 * 1024;
const TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export const actions: Actions = {
  upload: async ({ request, locals, params }) => {
    const form = await request.formData();
    const file = form.get('logo');
    const values = {};
    if (!(file instanceof File) || file.size === 0) return fieldError('Choose an image file to upload.', values);
    if (file.size > MAX_LOGO_BYTES) return fieldError(`The file is ${Math.ceil(file.size / 1024)} KB; a logo may be at most 512 KB.`, values);
    if (!TYPES.includes(file.type)) return fieldError('A logo must be a PNG, JPEG, GIF or WebP image.', values);
    // The browser's bytes go to the api as they are, with their declared type; the api checks both agree.
    const bytes = new Uint8Array(await file.arrayBuffer());
    const result = await locals.api.PUT('/api/v1/stores/{storeId}/logo', {
      params: { path: { storeId: params.storeId } },
      // The document types a binary body as a string; the bytes go out untouched.
      body: '',
      bodySerializer: () => bytes,
      headers: { 'content-type': file.type },
    });
    if (!result.response.ok) {
      const failure = apiFailure(result, values);
      if (!failure.data.errors.logo) failure.data.errors = { logo: failure.data.message ?? 'The logo was refused.' };
      return failure;
    }
    return { uploaded: result.data };
  },
  remove: async ({ locals, params }) => {
    const result = await locals.api.DELETE('/api/v1/stores/{storeId}/logo', { params: { path: { storeId: params.storeId } } });
    if (!result.response.ok && result.response.status !== 404) return apiFailure(result, {});
    redirect(303, `/stores/${params.storeId}/settings/logo?removed=1`);
  },
};

function fieldError(message: string, values: object) {
  const failure = formError(400, message, 'validation_failed', values);
  failure.data.errors = { logo: message };
  return failure;
}
