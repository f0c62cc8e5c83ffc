import { apiFailure, text } from '../../../../lib/server/forms.js';
import type { Actions } from './$types';

const ROLES = ['marketing', 'billing', 'technical'] as const;

export const actions: Actions = {
  contacts: async ({ request, locals }) => {
    const form = await request.formData();
    const values = Object.fromEntries(
      ROLES.map((role) => [role, { mode: text(form, `${role}.mode`), name: text(form, `${role}.name`), email: text(form, `${role}.email`) }]),
    ) as Record<(typeof ROLES)[number], { mode: string; name: string; email: string }>;
    // null: the account owner stands in (and follows any change of the owner's name or address).
    const contact = (role: (typeof ROLES)[number]) =>
      values[role].mode === 'other' ? { name: values[role].name.trim(), email: values[role].email.trim() } : null;
    const body = { marketing: contact('marketing'), billing: contact('billing'), technical: contact('technical') };
    const result = await locals.api.PUT('/api/v1/account/contacts', { body });
    if (!result.response.ok) return apiFailure(result, values);
    return { saved: true, values };
  },
};
