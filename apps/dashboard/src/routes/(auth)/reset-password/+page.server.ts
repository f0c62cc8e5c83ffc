import { redirect } from '@sveltejs/kit';
import { tokenMessage } from '../../../lib/messages.js';
import { apiFailure, formError, text } from '../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get('token')?.trim() ?? '' });

export const actions: Actions = {
  default: async ({ request, locals }) => {
    const form = await request.formData();
    const token = text(form, 'token');
    const values = {};
    if (!token) return formError(400, tokenMessage('token_invalid', 'reset'), 'token_invalid', values);
    const result = await locals.api.POST('/api/v1/auth/reset-password', { body: { token, password: text(form, 'password') } });
    if (!result.response.ok) {
      const failure = apiFailure(result, values);
      const code = failure.data.code;
      // A bad link is not the password's fault: say what happened to the link and how to get a new one.
      if (code === 'token_invalid' || code === 'token_expired' || code === 'token_used') failure.data.message = tokenMessage(code, 'reset');
      return failure;
    }
    redirect(303, '/sign-in?reset=1');
  },
};
