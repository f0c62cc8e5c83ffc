import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '../../../lib/server/api.js';
import type { Actions } from './$types';

export const actions: Actions = {
  default: async ({ locals, cookies }) => {
    // Revoke the session at the api; the cookie goes whatever it answers (already expired, api down).
    if (locals.sessionToken) await locals.api.POST('/api/v1/auth/sign-out').catch(() => undefined);
    clearSessionCookie(cookies);
    redirect(303, '/sign-in');
  },
};
