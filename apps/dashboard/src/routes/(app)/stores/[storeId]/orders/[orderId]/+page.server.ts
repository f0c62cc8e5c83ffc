import { randomUUID } from 'node:crypto';
import { expectOk } from '../../../../../../lib/server/api.js';
import { apiFailure, text } from '../../../../../../lib/server/forms.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
  const path = { storeId: params.storeId, orderId: params.orderId };
  const [{ store, user }, order, timeline] = await Promise.all([
    parent(),
    locals.api.GET('/api/v1/stores/{storeId}/orders/{orderId}', { params: { path } }).then(expectOk),
    locals.api.GET('/api/v1/stores/{storeId}/orders/{orderId}/timeline', { params: { path } }).then(expectOk),
  ]);
  // A fresh id per rendered form: sending the same form twice (a double click, a retried request) sends one email.
  return { store, order, timeline, sender: { name: store.name, email: user.email }, requestId: randomUUID() };
};

export const actions: Actions = {
  /** "Send messages directly to a customer if they have opted in" (seed: order detail). */
  message: async ({ locals, params, request }) => {
    const form = await request.formData();
    const values = {
      // Which of the page's forms refused (both come back as the page's one `form`).
      form: 'message' as const,
      requestId: text(form, 'requestId'),
      customerId: text(form, 'customerId'),
      senderName: text(form, 'senderName'),
      senderEmail: text(form, 'senderEmail'),
      subject: text(form, 'subject'),
      body: text(form, 'body'),
    };
    const result = await locals.api.POST('/api/v1/stores/{storeId}/customers/{customerId}/messages', {
      params: { path: { storeId: params.storeId, customerId: values.customerId } },
      body: {
        requestId: values.requestId,
        orderId: params.orderId,
        senderName: values.senderName,
        senderEmail: values.senderEmail,
        subject: values.subject,
        body: values.body,
      },
    });
    if (!result.response.ok) return apiFailure(result, values);
    const sent = result.data!;
    const outcome =
      sent.status === 'sent'
        ? `Message sent to ${sent.to}.`
        : sent.status === 'sending'
          ? `Message to ${sent.to} is on its way.`
          : `Message to ${sent.to} not sent: ${sent.reason}.`;
    return { messaged: outcome, messageStatus: sent.status };
  },
  /** Adds a tracking number; the platform's refusal comes back as the api's sentence above the form. */
  addTracking: async ({ request, locals, params }) => {
    const form = await request.formData();
    const values = { form: 'tracking' as const, carrier: text(form, 'carrier').trim(), number: text(form, 'number').trim(), url: text(form, 'url').trim() };
    const result = await locals.api.POST('/api/v1/stores/{storeId}/orders/{orderId}/tracking', {
      params: { path: { storeId: params.storeId, orderId: params.orderId } },
      body: { carrier: values.carrier, number: values.number, ...(values.url ? { url: values.url } : {}) },
    });
    if (!result.data) return apiFailure(result, values);
    return { added: { carrier: result.data.carrier, number: result.data.number, pushedTo: result.data.pushedTo } };
  },
};
