import { redirect } from '@sveltejs/kit';
import { safeNextPath } from '../../../lib/format.js';
import { expectOk, setSessionCookie } from '../../../lib/server/api.js';
import { apiFailure, formError, text } from '../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({
  next: safeNextPath(url.searchParams.get('next'), ''),
  passwordReset: url.searchParams.get('reset') === '1',
});

export const actions: Actions = {
  default: async ({ request, locals, cookies, url }) => {
    const form = await request.formData();
    const values = { email: text(form, 'email').trim() };
    const result = await locals.api.POST('/api/v1/auth/sign-in', { body: { ...values, password: text(form, 'password') } });
    const status = result.response.status;
    if (status === 401) {
      // One sentence whichever was wrong: the form must not tell who has an account.
      return formError(401, 'Wrong email or password.', 'invalid_credentials', values);
    }
    if (status === 403) {
      return formError(403, 'Verify your email first: open the link we sent you, or send a new one below.', 'email_unverified', values);
    }
    if (!result.response.ok) return apiFailure(result, values);
    const { session } = expectOk(result);
    setSessionCookie(cookies, session.token, session.expiresAt);
    redirect(303, safeNextPath(url.searchParams.get('next') ?? text(form, 'next')));
  },
};
