import { formError, text } from '../../../../../../lib/server/forms.js';
import { saveStoreSection } from '../../../../../../lib/server/store-update.js';
import { hourValue } from '../../../../../../lib/store-settings.js';
import type { Actions } from './$types';

export const actions: Actions = {
  hours: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = { mode: text(form, 'mode'), start: text(form, 'start'), end: text(form, 'end') };
    if (values.mode !== 'window') return saveStoreSection(locals, params.storeId, 'hours', { sendingHours: null }, values);
    const start = hourValue(values.start);
    const end = hourValue(values.end);
    if (start === undefined || end === undefined) {
      const failure = formError(400, 'Please correct the fields marked below.', 'validation_failed', values);
      failure.data.errors = { ...(start === undefined && { start: 'Choose an hour' }), ...(end === undefined && { end: 'Choose an hour' }) };
      return Object.assign(failure, { data: { ...failure.data, section: 'hours' } });
    }
    return saveStoreSection(locals, params.storeId, 'hours', { sendingHours: { start, end } }, values, (field) =>
      field.replace(/^sendingHours\.?/, '') || 'start',
    );
  },
  smart: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = { smartSendingHours: text(form, 'smartSendingHours') };
    const hours = Number(values.smartSendingHours);
    // A non-number goes to the api as is, so its message names the field like every other refusal.
    const body = { smartSendingHours: values.smartSendingHours.trim() !== '' && Number.isFinite(hours) ? hours : (values.smartSendingHours as unknown as number) };
    return saveStoreSection(locals, params.storeId, 'smart', body, values);
  },
};
