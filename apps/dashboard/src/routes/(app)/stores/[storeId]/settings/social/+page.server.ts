import { text } from '../../../../../../lib/server/forms.js';
import { saveStoreSection } from '../../../../../../lib/server/store-update.js';
import { optionalText, SOCIAL_NETWORKS } from '../../../../../../lib/store-settings.js';
import type { Actions } from './$types';

export const actions: Actions = {
  social: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = Object.fromEntries(SOCIAL_NETWORKS.map(({ key }) => [key, text(form, key)]));
    // Every network is sent: an emptied field is null, which removes that link (any subset may be set).
    const socialLinks = Object.fromEntries(SOCIAL_NETWORKS.map(({ key }) => [key, optionalText(values[key] ?? '')]));
    return saveStoreSection(locals, params.storeId, 'social', { socialLinks }, values, (field) => field.replace(/^socialLinks\./, ''));
  },
};
