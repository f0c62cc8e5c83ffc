import type { CreatedStoreView } from '../../../../lib/account.js';
import { localeOptions } from '../../../../lib/locale-options.js';
import { expectOk } from '../../../../lib/server/api.js';
import { apiFailure, text } from '../../../../lib/server/forms.js';
import { optionalText } from '../../../../lib/store-settings.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({ options: localeOptions() });

export const actions: Actions = {
  default: async ({ request, locals }) => {
    const form = await request.formData();
    const values = {
      name: text(form, 'name'),
      domain: text(form, 'domain'),
      currency: text(form, 'currency'),
      timezone: text(form, 'timezone'),
      country: text(form, 'country'),
    };
    const result = await locals.api.POST('/api/v1/account/stores', {
      body: { ...values, platform: 'custom', country: optionalText(values.country) },
    });
    if (!result.response.ok) return apiFailure(result, values);
    const store = expectOk(result);
    const created: CreatedStoreView = {
      id: store.id,
      name: store.name,
      domain: store.domain ?? null,
      apiKey: store.apiKey,
      webhookUrl: store.webhookUrl,
      webhookSecret: store.webhookSecret,
      trial: store.trial,
    };
    return { created, values };
  },
};
