import { fail, redirect } from '@sveltejs/kit';
import { expectOk, fieldErrors } from '../../../../../../../lib/server/api.js';
import { accountEmail } from '../../../../../../../lib/retention/retention-api.server.js';
import { formErrors, readSettings, settingsBody, type SettingsValues } from '../../../../../../../lib/retention/rule-form.js';
import { loadStore } from '../../../../../../../lib/retention/store.server.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, locals, params }) => {
  const [store, segments] = await Promise.all([
    parent().then((p) => p.store),
    locals.api.GET('/api/v1/stores/{storeId}/segments', { params: { path: { storeId: params.storeId } } }).then(expectOk),
  ]);
  const values: SettingsValues = { name: '', sendingFilter: 'all', skus: [], windowDays: '30', window: '', attributionWindowDays: '5', segmentId: '' };
  return { store, values, segments: segments.segments.map((s) => ({ id: s.id, name: s.name })) };
};

export const actions: Actions = {
  /**
   * Step 1 saves a draft: the api needs a sender and a message, so the draft starts from the store's name, the
   * merchant's address and the first starter template; step 2 shows them to change.
   */
  default: async ({ locals, params, request }) => {
    const values = readSettings(await request.formData());
    const storeId = params.storeId;
    const [store, templates, email] = await Promise.all([
      loadStore(locals.api, storeId),
      locals.api.GET('/api/v1/starter-templates').then(expectOk),
      accountEmail(locals.api),
    ]);
    const starter = templates.templates[0];
    const result = await locals.api.POST('/api/v1/stores/{storeId}/rules', {
      params: { path: { storeId } },
      body: {
        ...settingsBody(values, { create: true }),
        status: 'draft',
        senderName: store.name,
        senderEmail: email ?? 'you@example.com',
        subject: starter?.subject ?? `News from ${store.name}`,
        bodyHtml: starter?.bodyHtml ?? '<p>Hello {{customer.firstName}}</p>',
      } as never,
    });
    if (result.response.status === 400 || result.response.status === 422) {
      return fail(400, { errors: formErrors(fieldErrors(result.error)), values, message: (result.error as { message?: string } | undefined)?.message });
    }
    const rule = expectOk(result);
    redirect(303, `/stores/${storeId}/workflows/${rule.id}/edit/message`);
  },
};
