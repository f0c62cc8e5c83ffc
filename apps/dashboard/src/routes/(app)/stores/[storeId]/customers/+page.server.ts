import { expectOk, fieldErrors, type Schemas } from '../../../../../lib/server/api.js';
import { customerSortOf, directionOf } from '../../../../../lib/customers.js';
import { parsePages } from '../../../../../lib/retention/rule-format.js';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 25;

export const load: PageServerLoad = async ({ locals, params, parent, url }) => {
  const { store } = await parent();
  const q = (url.searchParams.get('q') ?? '').slice(0, 100);
  const sort = customerSortOf(url.searchParams.get('sort'));
  const direction = directionOf(url.searchParams.get('direction'));
  const pages = parsePages(url.searchParams.get('pages'));
  const cursor = pages[pages.length - 1];
  const segment = url.searchParams.get('segment') ?? '';

  const [result, { segments }] = await Promise.all([
    locals.api.GET('/api/v1/stores/{storeId}/customers', {
      params: {
        path: { storeId: params.storeId },
        query: { ...(q.trim() && { q }), ...(segment && { segment }), sort, direction, limit: PAGE_SIZE, ...(cursor && { cursor }) },
      },
    }),
    locals.api.GET('/api/v1/stores/{storeId}/segments', { params: { path: { storeId: params.storeId } } }).then(expectOk),
  ]);

  // A stale cursor or a bad search is the merchant's to fix: shown beside the search box, not as an error page.
  let problem: { message: string; fields: Record<string, string> } | null = null;
  let page: Schemas['CustomerPage'] = { items: [], total: 0, currency: store.currency, nextCursor: null };
  if (result.response.status === 400 || result.response.status === 404) {
    problem = { message: (result.error as { message?: string } | undefined)?.message ?? 'Bad search.', fields: fieldErrors(result.error) };
  } else {
    page = expectOk(result);
  }
  return { store, q, segment, segments: segments.map((s) => ({ id: s.id, name: s.name })), sort, direction, pages, page, problem };
};
