import { redirect } from '@sveltejs/kit';
import { apiFailure, text } from '../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
  const email = url.searchParams.get('email') ?? '';
  return { email, devOutbox: email ? await hasDevOutbox(locals, email) : false };
};

export const actions: Actions = {
  resend: async ({ request, locals }) => {
    const form = await request.formData();
    const values = { email: text(form, 'email').trim() };
    const result = await locals.api.POST('/api/v1/auth/resend-verification', { body: values });
    if (!result.response.ok) return apiFailure(result, values);
    redirect(303, `/check-email?email=${encodeURIComponent(values.email)}&resent=1`);
  },
};

/** The development outbox exists only with EMAIL_TRANSPORT=outbox; elsewhere the api answers 404 and no link shows. */
async function hasDevOutbox(locals: App.Locals, email: string): Promise<boolean> {
  const result = await locals.api.GET('/api/v1/dev/outbox', { params: { query: { to: email } } });
  return result.response.ok;
}
