import { apiFailure, text } from '../../../lib/server/forms.js';
import type { Actions } from './$types';

export const actions: Actions = {
  default: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { email: text(form, 'email').trim() };
    const result = await locals.api.POST('/api/v1/auth/forgot-password', { body: values });
    if (!result.response.ok) return apiFailure(result, values);
    return { sent: true, values };
  },
};
