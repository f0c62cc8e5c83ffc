import { linksOf } from '../../../../lib/email-links.js';
import { expectOk } from '../../../../lib/server/api.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
  const email = expectOk(await locals.api.GET('/api/v1/dev/outbox/{emailId}', { params: { path: { emailId: params.emailId } } }));
  return { email, links: linksOf(email.text) };
};
