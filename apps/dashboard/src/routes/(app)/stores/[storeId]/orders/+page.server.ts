import { expectOk, fieldErrors, type Schemas } from '../../../../../lib/server/api.js';
import { dayAfter, dayOf, orderStatusOf } from '../../../../../lib/orders.js';
import { parsePages } from '../../../../../lib/retention/rule-format.js';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 25;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params, parent, url }) => {
  const { store } = await parent();
  const q = (url.searchParams.get('q') ?? '').slice(0, 100);
  const status = orderStatusOf(url.searchParams.get('status'));
  const from = dayOf(url.searchParams.get('from'));
  const to = dayOf(url.searchParams.get('to'));
  const customer = UUID.test(url.searchParams.get('customer') ?? '') ? url.searchParams.get('customer')! : '';
  const sort = url.searchParams.get('sort') === 'oldest' ? 'oldest' : 'newest';
  const pages = parsePages(url.searchParams.get('pages'));
  const cursor = pages[pages.length - 1];

  const result = await locals.api.GET('/api/v1/stores/{storeId}/orders', {
    params: {
      path: { storeId: params.storeId },
      query: {
        ...(q.trim() && { q }),
        ...(status && { status }),
        ...(from && { from }),
        // The merchant picks the last day to include; the api's `to` is exclusive.
        ...(to && { to: dayAfter(to) }),
        ...(customer && { customer }),
        sort,
        limit: PAGE_SIZE,
        ...(cursor && { cursor }),
      },
    },
  });

  // A stale cursor or a bad filter is the merchant's to fix: shown beside the filters, not as an error page.
  let problem: { message: string; fields: Record<string, string> } | null = null;
  let page: Schemas['OrderPage'] = { items: [], total: 0, nextCursor: null };
  if (result.response.status === 400 || result.response.status === 404) {
    problem = { message: (result.error as { message?: string } | undefined)?.message ?? 'Bad search.', fields: fieldErrors(result.error) };
  } else {
    page = expectOk(result);
  }
  return { store, q, status: status ?? '', from, to, customer, sort, pages, page, problem };
};
