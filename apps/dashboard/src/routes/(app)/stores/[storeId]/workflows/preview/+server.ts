import { error, json } from '@sveltejs/kit';
import { expectOk, fieldErrors } from '../../../../../../lib/server/api.js';
import { previewMessage, type PreviewInput } from '../../../../../../lib/retention/retention-api.server.js';
import type { RequestHandler } from './$types';

const MAX_BODY_BYTES = 512 * 1024;

/**
 * Renders the message of step 2 through the api (the same code that sends) for the live preview. Template errors
 * come back as 400 with the api's field messages so the editor can show them.
 */
export const POST: RequestHandler = async ({ locals, params, request }) => {
  const raw = await request.text();
  if (raw.length > MAX_BODY_BYTES) error(413, 'The message is too large to preview.');
  let input: Partial<PreviewInput>;
  try {
    input = JSON.parse(raw) as Partial<PreviewInput>;
  } catch {
    error(400, 'The preview request is not JSON.');
  }
  const body: PreviewInput = {
    subject: String(input.subject ?? ''),
    bodyHtml: String(input.bodyHtml ?? ''),
    senderName: String(input.senderName ?? ''),
    senderEmail: String(input.senderEmail ?? ''),
    ...(Array.isArray(input.skus) && { skus: input.skus.map(String).slice(0, 1000) }),
  };
  const result = await previewMessage(locals.api, params.storeId, body);
  if (result.response.status === 400) {
    const e = result.error as { message?: string } | undefined;
    return json({ error: e?.message ?? 'The message cannot be rendered.', fields: fieldErrors(result.error) }, { status: 400 });
  }
  return json(expectOk(result));
};
