import type { Schemas } from '../../../lib/server/api.js';
import { outboxList } from '../../../lib/server/dev-outbox.js';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
  const to = url.searchParams.get('to')?.trim() ?? '';
  const result = await locals.api.GET('/api/v1/dev/outbox', { params: { query: to ? { to } : {} } });
  if (result.response.status === 400) return { to, emails: [] as Schemas['DevOutboxSummary'][], invalid: true };
  const { emails } = outboxList(result);
  return { to, emails, invalid: false };
};
