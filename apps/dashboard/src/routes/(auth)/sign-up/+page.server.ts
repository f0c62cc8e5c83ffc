import { redirect } from '@sveltejs/kit';
import { apiFailure, text } from '../../../lib/server/forms.js';
import type { Actions } from './$types';

export const actions: Actions = {
  default: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { name: text(form, 'name'), email: text(form, 'email').trim() };
    const result = await locals.api.POST('/api/v1/auth/sign-up', { body: { ...values, password: text(form, 'password') } });
    if (!result.response.ok) return apiFailure(result, values);
    redirect(303, `/check-email?email=${encodeURIComponent(values.email)}`);
  },
};
