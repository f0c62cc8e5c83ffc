import { localeOptions } from '../../../../../lib/locale-options.js';
import { text } from '../../../../../lib/server/forms.js';
import { saveStoreSection } from '../../../../../lib/server/store-update.js';
import { optionalText } from '../../../../../lib/store-settings.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({ countries: localeOptions().countries });

const FIELDS = ['companyName', 'street', 'city', 'region', 'postalCode', 'phone', 'country'] as const;

export const actions: Actions = {
  information: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = Object.fromEntries(FIELDS.map((f) => [f, text(form, f)])) as Record<(typeof FIELDS)[number], string>;
    const body = Object.fromEntries(FIELDS.map((f) => [f, optionalText(values[f])]));
    return saveStoreSection(locals, params.storeId, 'information', body, values);
  },
};
