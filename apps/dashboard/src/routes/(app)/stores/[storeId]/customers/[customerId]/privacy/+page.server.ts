import { fail, redirect } from '@sveltejs/kit';
import { expectOk } from '../../../../../../../lib/server/api.js';
import { apiFailure, text } from '../../../../../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

/** "Privacy tools" for one customer: send their profile link, export their data, delete them, their GDPR requests. */
export const load: PageServerLoad = async ({ locals, params, parent }) => {
  const { store } = await parent();
  const privacy = expectOk(
    await locals.api.GET('/api/v1/stores/{storeId}/customers/{customerId}/privacy', { params: { path: { storeId: params.storeId, customerId: params.customerId } } }),
  );
  return { store, privacy };
};

export const actions: Actions = {
  sendLink: async ({ locals, params }) => {
    const result = await locals.api.POST('/api/v1/stores/{storeId}/customers/{customerId}/profile-link', {
      params: { path: { storeId: params.storeId, customerId: params.customerId } },
    });
    if (!result.data) return apiFailure(result, { confirmation: '' });
    return { linkSentTo: result.data.sentTo };
  },
  exportData: async ({ locals, params }) => {
    const result = await locals.api.POST('/api/v1/stores/{storeId}/customers/{customerId}/data-requests', {
      params: { path: { storeId: params.storeId, customerId: params.customerId } },
    });
    if (!result.data) return apiFailure(result, { confirmation: '' });
    return { exportRequestId: result.data.requestId };
  },
  erase: async ({ locals, params, request }) => {
    const form = await request.formData();
    const confirmation = text(form, 'confirmation').trim();
    const customer = expectOk(
      await locals.api.GET('/api/v1/stores/{storeId}/customers/{customerId}/privacy', { params: { path: { storeId: params.storeId, customerId: params.customerId } } }),
    ).customer;
    if (confirmation.toLowerCase() !== customer.email.toLowerCase()) {
      return fail(400, { errors: { confirmation: 'Does not match the customer’s email address' }, message: 'Type the customer’s email address exactly to confirm.', code: 'validation_failed', values: { confirmation } });
    }
    const result = await locals.api.DELETE('/api/v1/stores/{storeId}/customers/{customerId}', { params: { path: { storeId: params.storeId, customerId: params.customerId } } });
    if (!result.data) return apiFailure(result, { confirmation });
    redirect(303, `/stores/${params.storeId}/privacy?erased=${result.data.requestId}`);
  },
};
