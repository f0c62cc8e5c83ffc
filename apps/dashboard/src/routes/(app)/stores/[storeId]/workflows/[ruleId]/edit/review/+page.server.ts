import { fail, redirect } from '@sveltejs/kit';
import { expectOk, type ApiError } from '../../../../../../../../lib/server/api.js';
import { BACKFILL_CHOICES, type BackfillChoice } from '../../../../../../../../lib/retention/rule-format.js';
import { loadRule } from '../../../../../../../../lib/retention/store.server.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
  const [store, rule] = await Promise.all([parent().then((p) => p.store), loadRule(locals.api, params.storeId, params.ruleId)]);
  return { store, rule };
};

export const actions: Actions = {
  activate: async ({ locals, params, request }) => {
    const choice = (await request.formData()).get('backfill');
    const backfill = BACKFILL_CHOICES.find((c) => c.value === choice)?.value;
    if (!backfill) return fail(400, { errors: { backfill: 'Choose who gets a message now.' }, message: undefined });
    const result = await locals.api.POST('/api/v1/stores/{storeId}/rules/{ruleId}/activate', {
      params: { path: { storeId: params.storeId, ruleId: params.ruleId } },
      body: { backfill: backfill satisfies BackfillChoice },
    });
    // 409: the store's CAN-SPAM details went missing meanwhile, or the rule changed state; the page says which.
    if (result.response.status === 400 || result.response.status === 409) {
      return fail(result.response.status, { errors: {}, message: (result.error as Partial<ApiError> | undefined)?.message });
    }
    expectOk(result);
    redirect(303, `/stores/${params.storeId}/workflows/${params.ruleId}`);
  },
};
