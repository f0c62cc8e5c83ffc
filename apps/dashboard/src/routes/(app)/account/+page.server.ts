import { localeOptions } from '../../../lib/locale-options.js';
import { apiFailure, text } from '../../../lib/server/forms.js';
import { optionalText } from '../../../lib/store-settings.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({ countries: localeOptions().countries });

const DETAILS = ['phone', 'company', 'street', 'city', 'region', 'postalCode', 'country'] as const;

export const actions: Actions = {
  profile: async ({ request, locals }) => {
    const form = await request.formData();
    const values = Object.fromEntries(['name', ...DETAILS].map((f) => [f, text(form, f)])) as Record<'name' | (typeof DETAILS)[number], string>;
    const body = { name: values.name.trim(), ...Object.fromEntries(DETAILS.map((f) => [f, optionalText(values[f])])) };
    const result = await locals.api.PATCH('/api/v1/account/profile', { body });
    if (!result.response.ok) return apiFailure(result, values);
    return { saved: true, values };
  },
};
