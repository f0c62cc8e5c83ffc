import { expectOk } from '../../../../../../lib/server/api.js';
import { withoutOpenPixel } from '../../../../../../lib/outbox-view.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
  const [{ store }, email] = await Promise.all([
    parent(),
    locals.api
      .GET('/api/v1/stores/{storeId}/outbox/{emailId}', { params: { path: { storeId: params.storeId, emailId: params.emailId } } })
      .then(expectOk),
  ]);
  return { store, email: { ...email, html: withoutOpenPixel(email.html) } };
};
