import { fail, redirect } from '@sveltejs/kit';
import { expectOk, fieldErrors } from '../../../../../../../lib/server/api.js';
import { formErrors, readSettings, settingsBody, type SettingsValues } from '../../../../../../../lib/retention/rule-form.js';
import { wholeDays } from '../../../../../../../lib/retention/rule-format.js';
import { loadRule } from '../../../../../../../lib/retention/store.server.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
  const [store, rule, segments] = await Promise.all([
    parent().then((p) => p.store),
    loadRule(locals.api, params.storeId, params.ruleId),
    locals.api.GET('/api/v1/stores/{storeId}/segments', { params: { path: { storeId: params.storeId } } }).then(expectOk),
  ]);
  const days = wholeDays(rule.windowSeconds);
  const values: SettingsValues = {
    name: rule.name,
    sendingFilter: rule.sendingFilter,
    skus: rule.skus,
    windowDays: days === null ? '' : String(days),
    window: days === null ? rule.window : '',
    attributionWindowDays: String(Math.max(1, Math.round(rule.attributionWindowSeconds / 86_400))),
    segmentId: rule.segmentId ?? '',
  };
  return { store, rule, values, segments: segments.segments.map((s) => ({ id: s.id, name: s.name })) };
};

export const actions: Actions = {
  default: async ({ locals, params, request }) => {
    const values = readSettings(await request.formData());
    const result = await locals.api.PATCH('/api/v1/stores/{storeId}/rules/{ruleId}', {
      params: { path: { storeId: params.storeId, ruleId: params.ruleId } },
      body: settingsBody(values) as never,
    });
    if (result.response.status === 400 || result.response.status === 422) {
      return fail(400, { errors: formErrors(fieldErrors(result.error)), values, message: (result.error as { message?: string } | undefined)?.message });
    }
    expectOk(result);
    redirect(303, `/stores/${params.storeId}/workflows/${params.ruleId}/edit/message`);
  },
};
