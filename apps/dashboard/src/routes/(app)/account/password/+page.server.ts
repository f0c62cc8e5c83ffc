import { apiFailure, text } from '../../../../lib/server/forms.js';
import type { Actions } from './$types';

export const actions: Actions = {
  password: async ({ request, locals }) => {
    const form = await request.formData();
    const body = { currentPassword: text(form, 'currentPassword'), newPassword: text(form, 'newPassword') };
    const result = await locals.api.POST('/api/v1/account/password', { body });
    if (!result.response.ok) return apiFailure(result, {});
    return { changed: true };
  },
};
