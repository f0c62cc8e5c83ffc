import { error, json } from '@sveltejs/kit';
import { expectOk, fieldErrors } from '../../../../../../lib/server/api.js';
import type { RequestHandler } from './$types';

const MAX_BODY_BYTES = 256 * 1024;

/** "Next" in the builder: the api's count and first members of a definition, or its field messages (400). */
export const POST: RequestHandler = async ({ locals, params, request }) => {
  const raw = await request.text();
  if (raw.length > MAX_BODY_BYTES) error(413, 'The segment is too large to preview.');
  let input: { definition?: unknown };
  try {
    input = JSON.parse(raw) as { definition?: unknown };
  } catch {
    error(400, 'The preview request is not JSON.');
  }
  const result = await locals.api.POST('/api/v1/stores/{storeId}/segments/preview', {
    params: { path: { storeId: params.storeId } },
    body: { definition: input.definition as never },
  });
  if (result.response.status === 400) {
    const e = result.error as { message?: string } | undefined;
    return json({ error: e?.message ?? 'The segment is not valid.', fields: fieldErrors(result.error) }, { status: 400 });
  }
  return json(expectOk(result));
};
