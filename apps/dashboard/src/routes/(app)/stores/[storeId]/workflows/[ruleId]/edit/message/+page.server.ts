import { fail, redirect } from '@sveltejs/kit';
import { expectOk, fieldErrors, type Api, type ApiError } from '../../../../../../../../lib/server/api.js';
import { previewMessage } from '../../../../../../../../lib/retention/retention-api.server.js';
import { formErrors, readMessage, type MessageValues } from '../../../../../../../../lib/retention/rule-form.js';
import { loadRule } from '../../../../../../../../lib/retention/store.server.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
  const [store, rule, templates] = await Promise.all([
    parent().then((p) => p.store),
    loadRule(locals.api, params.storeId, params.ruleId),
    locals.api.GET('/api/v1/starter-templates').then(expectOk),
  ]);
  const values: MessageValues = { senderName: rule.senderName, senderEmail: rule.senderEmail, subject: rule.subject, bodyHtml: rule.bodyHtml };
  // The first preview comes with the page (and is all there is without JavaScript); a failure leaves it to the pane.
  const preview = await previewMessage(locals.api, params.storeId, { ...values, skus: rule.skus });
  return { store, rule, templates: templates.templates, values, preview: preview.response.ok ? (preview.data ?? null) : null };
};

const errorBody = (e: unknown) => e as Partial<ApiError> | undefined;

/**
 * The api's PATCH resets `sendingFilter` and `skus` to their defaults when they are left out (zod 4 applies a
 * field's default inside `.partial()`), so every save of step 2 sends them back as they are.
 */
async function keepSettings(api: Api, storeId: string, ruleId: string) {
  const rule = await loadRule(api, storeId, ruleId);
  return { sendingFilter: rule.sendingFilter as 'all' | 'opted_in' | 'registered', skus: rule.skus };
}

async function saveMessage(api: Api, storeId: string, ruleId: string, values: MessageValues) {
  const body = { ...(await keepSettings(api, storeId, ruleId)), ...values };
  return api.PATCH('/api/v1/stores/{storeId}/rules/{ruleId}', { params: { path: { storeId, ruleId } }, body });
}

export const actions: Actions = {
  save: async ({ locals, params, request }) => {
    const values = readMessage(await request.formData());
    const result = await saveMessage(locals.api, params.storeId, params.ruleId, values);
    if (result.response.status === 400 || result.response.status === 422) {
      return fail(400, { errors: formErrors(fieldErrors(result.error)), values, message: errorBody(result.error)?.message });
    }
    expectOk(result);
    redirect(303, `/stores/${params.storeId}/workflows/${params.ruleId}/edit/review`);
  },

  /** Without JavaScript, choosing a starter template saves its subject and body into the draft. */
  template: async ({ locals, params, request }) => {
    const id = (await request.formData()).get('templateId');
    const templates = expectOk(await locals.api.GET('/api/v1/starter-templates')).templates;
    const template = templates.find((t) => t.id === id);
    if (!template) return fail(400, { message: 'Choose one of the starter templates.' });
    expectOk(
      await locals.api.PATCH('/api/v1/stores/{storeId}/rules/{ruleId}', {
        params: { path: { storeId: params.storeId, ruleId: params.ruleId } },
        body: { ...(await keepSettings(locals.api, params.storeId, params.ruleId)), subject: template.subject, bodyHtml: template.bodyHtml },
      }),
    );
    return { applied: template.name };
  },

  /** Saves what is on screen, then sends it to the given address rendered with a real customer's data. */
  testSend: async ({ locals, params, request }) => {
    const form = await request.formData();
    const values = readMessage(form);
    const to = String(form.get('to') ?? '').trim();
    const saved = await saveMessage(locals.api, params.storeId, params.ruleId, values);
    if (saved.response.status === 400 || saved.response.status === 422) {
      return fail(400, { errors: formErrors(fieldErrors(saved.error)), values, message: errorBody(saved.error)?.message, testTo: to });
    }
    expectOk(saved);
    const result = await locals.api.POST('/api/v1/stores/{storeId}/rules/{ruleId}/test-send', {
      params: { path: { storeId: params.storeId, ruleId: params.ruleId } },
      body: { to },
    });
    if (!result.response.ok && result.response.status < 500 && result.response.status !== 401 && result.response.status !== 404) {
      const body = errorBody(result.error);
      return fail(result.response.status, { testError: fieldErrors(result.error).to ?? body?.message ?? 'The test could not be sent.', testTo: to });
    }
    return { testSent: expectOk(result), testTo: to };
  },
};
