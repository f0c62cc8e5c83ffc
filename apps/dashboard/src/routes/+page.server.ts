import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

// The signed-in home is the first store's dashboard; the (app) layout sends a signed-out visitor to sign-in.
export const load: PageServerLoad = ({ locals }) => {
  redirect(303, locals.sessionToken ? '/stores' : '/sign-in');
};
