import { localeOptions } from '../../../../../../lib/locale-options.js';
import { text } from '../../../../../../lib/server/forms.js';
import { saveStoreSection } from '../../../../../../lib/server/store-update.js';
import { optionalText } from '../../../../../../lib/store-settings.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({ options: localeOptions() });

export const actions: Actions = {
  locale: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = { country: text(form, 'country'), currency: text(form, 'currency'), timezone: text(form, 'timezone') };
    const body = { country: optionalText(values.country), currency: values.currency, timezone: values.timezone };
    return saveStoreSection(locals, params.storeId, 'locale', body, values);
  },
};
