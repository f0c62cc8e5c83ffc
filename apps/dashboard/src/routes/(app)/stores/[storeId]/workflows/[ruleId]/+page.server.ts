import { fail, redirect } from '@sveltejs/kit';
import { expectOk, type ApiError } from '../../../../../../lib/server/api.js';
import { loadRule, loadStats } from '../../../../../../lib/retention/store.server.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent, depends }) => {
  depends('retention:stats');
  const [{ store }, rule, stats] = await Promise.all([
    parent(),
    loadRule(locals.api, params.storeId, params.ruleId),
    loadStats(locals.api, params.storeId, params.ruleId),
  ]);
  return { store, rule, stats };
};

/** A refusal the merchant can act on (a 409: the rule is not in a state for it, or the store lacks its details). */
function refused(result: { error?: unknown; response: Response }) {
  const status = result.response.status;
  if (status === 400 || status === 409) return fail(status, { message: (result.error as Partial<ApiError> | undefined)?.message ?? 'Refused.' });
  expectOk(result);
  return null;
}

export const actions: Actions = {
  pause: async ({ locals, params }) => {
    const path = { storeId: params.storeId, ruleId: params.ruleId };
    return refused(await locals.api.POST('/api/v1/stores/{storeId}/rules/{ruleId}/pause', { params: { path } })) ?? { done: 'Paused.' };
  },
  resume: async ({ locals, params }) => {
    const path = { storeId: params.storeId, ruleId: params.ruleId };
    // Activating a paused rule resumes it; the back-fill choice only applies to a draft's first activation.
    return refused(await locals.api.POST('/api/v1/stores/{storeId}/rules/{ruleId}/activate', { params: { path }, body: {} })) ?? { done: 'Resumed.' };
  },
  delete: async ({ locals, params }) => {
    const path = { storeId: params.storeId, ruleId: params.ruleId };
    const result = await locals.api.DELETE('/api/v1/stores/{storeId}/rules/{ruleId}', { params: { path } });
    const failure = refused(result);
    if (failure) return failure;
    redirect(303, `/stores/${params.storeId}/workflows?deleted=${encodeURIComponent(params.ruleId)}`);
  },
};
