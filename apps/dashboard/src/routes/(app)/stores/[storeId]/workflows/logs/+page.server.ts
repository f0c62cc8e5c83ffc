import { expectOk, fieldErrors, type Schemas } from '../../../../../../lib/server/api.js';
import { config } from '../../../../../../lib/server/config.js';
import { dayRangeToInstants, logKindOf, parsePages } from '../../../../../../lib/retention/rule-format.js';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 50;

export const load: PageServerLoad = async ({ locals, params, parent, url }) => {
  const { store } = await parent();
  const kind = logKindOf(url.searchParams.get('kind'));
  const from = url.searchParams.get('from') ?? '';
  const to = url.searchParams.get('to') ?? '';
  const ruleParam = url.searchParams.get('ruleId');
  const ruleId = ruleParam && UUID.test(ruleParam) ? ruleParam : null;
  const pages = parsePages(url.searchParams.get('pages'));
  const cursor = pages[pages.length - 1];
  const storeId = params.storeId;

  const [result, rules, outbox] = await Promise.all([
    locals.api.GET('/api/v1/stores/{storeId}/logs/{kind}', {
      params: {
        path: { storeId, kind },
        query: { ...dayRangeToInstants(from, to, store.timezone), ...(ruleId && { ruleId }), ...(cursor && { cursor }), limit: PAGE_SIZE },
      },
    }),
    locals.api.GET('/api/v1/stores/{storeId}/rules', { params: { path: { storeId } } }).then(expectOk),
    // Sent rows link to the development outbox's copy when the store has one (outbox transport only).
    kind === 'sent'
      ? locals.api.GET('/api/v1/stores/{storeId}/outbox', { params: { path: { storeId }, query: { limit: 1000 } } })
      : Promise.resolve(null),
  ]);

  // A stale cursor or a bad filter is the merchant's to fix: show it beside the filters rather than an error page.
  let problem: { message: string; fields: Record<string, string> } | null = null;
  let items: Schemas['LogPage']['items'] = [];
  let nextCursor: string | null = null;
  if (result.response.status === 400) {
    problem = { message: (result.error as { message?: string } | undefined)?.message ?? 'Bad filter.', fields: fieldErrors(result.error) };
  } else {
    const page = expectOk(result);
    items = page.items;
    nextCursor = page.nextCursor;
  }

  const outboxByMessage: Record<string, string> = {};
  for (const e of outbox?.response.ok ? (outbox.data?.emails ?? []) : []) outboxByMessage[e.messageId] = e.id;

  return {
    store,
    kind,
    from,
    to,
    ruleId,
    rule: rules.rules.find((r) => r.id === ruleId) ?? null,
    pages,
    items,
    nextCursor,
    problem,
    outboxByMessage,
    temporal: { url: config.temporalUiUrl, namespace: config.temporalNamespace },
  };
};
