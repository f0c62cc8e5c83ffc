import { NotFoundError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { isUuid } from '@boomerang/validation';
import { customerStats, type CustomerStats } from './customer-stats.js';
import {
  encodeListCursor,
  encodeTimelineCursor,
  decodeTimelineCursor,
  listCursorFor,
  type CustomerListQuery,
  type SubscriptionChangeInput,
  type TimelineQuery,
} from './customer-queries.js';
import { CustomerTimelineRepository, type TimelineRow } from './customer-timeline.repository.js';
import {
  CustomersRepository,
  type CustomerListRow,
  type CustomerOrderRow,
  type CustomerProfileRow,
  type SubscriptionHistoryRow,
} from './customers.repository.js';
import { SubscriptionService, type SubscriptionOutcome } from './subscription.service.js';

/** Orders the card lists (newest first); the counts and totals cover all of them. */
export const CARD_ORDER_LIMIT = 100;
/** Subscription changes the card lists (newest first); the timeline pages through all of them. */
export const CARD_HISTORY_LIMIT = 50;

export interface CustomerPage {
  items: Omit<CustomerListRow, 'sortKey'>[];
  total: number;
  nextCursor: string | null;
}

export interface CustomerCard {
  profile: CustomerProfileRow;
  stats: CustomerStats;
  orders: CustomerOrderRow[];
  history: SubscriptionHistoryRow[];
}

export interface TimelinePage {
  items: Omit<TimelineRow, 'cursor'>[];
  nextCursor: string | null;
}

/** The customers list, the customer card and its timeline, and the merchant's subscription control. */
export class CustomersService {
  constructor(private readonly subscriptions: SubscriptionService = new SubscriptionService()) {}

  async list(em: EntityManager, storeId: string, query: CustomerListQuery): Promise<CustomerPage> {
    const repository = new CustomersRepository(em);
    const term = query.q?.trim() || undefined;
    const segmentId = query.segment;
    if (segmentId && !(await repository.hasSegment(storeId, segmentId))) throw new NotFoundError('segment', segmentId);
    const rows = await repository.page(storeId, { term, segmentId, sort: query.sort, direction: query.direction, limit: query.limit, cursor: listCursorFor(query) });
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ sortKey: _, ...row }) => row),
      total: await repository.count(storeId, term, segmentId),
      nextCursor: more && last ? encodeListCursor({ sort: query.sort, direction: query.direction, key: last.sortKey, id: last.id }) : null,
    };
  }

  async card(em: EntityManager, storeId: string, customerId: string): Promise<CustomerCard> {
    const repository = new CustomersRepository(em);
    const profile = await this.profile(repository, storeId, customerId);
    const [orders, history] = [
      await repository.orders(storeId, customerId, CARD_ORDER_LIMIT),
      await repository.subscriptionHistory(storeId, customerId, CARD_HISTORY_LIMIT),
    ];
    return { profile, stats: customerStats(profile), orders, history };
  }

  async timeline(em: EntityManager, storeId: string, customerId: string, query: TimelineQuery): Promise<TimelinePage> {
    await this.profile(new CustomersRepository(em), storeId, customerId);
    const cursor = query.cursor ? (decodeTimelineCursor(query.cursor) ?? undefined) : undefined;
    const rows = await new CustomerTimelineRepository(em).page(storeId, customerId, { limit: query.limit, cursor });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ cursor: _, ...row }) => row),
      nextCursor: rows.length > query.limit && last ? encodeTimelineCursor(last.cursor) : null,
    };
  }

  /** The merchant's unsubscribe or resubscribe from the card; a resubscribe by the merchant records their opt-in. */
  async setSubscription(em: EntityManager, storeId: string, customerId: string, input: SubscriptionChangeInput, actorUserId: string | null): Promise<SubscriptionOutcome> {
    if (!isUuid(customerId)) throw new NotFoundError('customer', customerId);
    return this.subscriptions.change(em, {
      storeId,
      customerId,
      subscribed: input.subscribed,
      source: 'merchant',
      actorUserId,
      reason: input.reason ?? null,
      optedIn: input.subscribed ? true : false,
    });
  }

  /** Another store's customer is as unknown as one that does not exist. */
  private async profile(repository: CustomersRepository, storeId: string, customerId: string): Promise<CustomerProfileRow> {
    const profile = isUuid(customerId) ? await repository.profile(storeId, customerId) : null;
    if (!profile) throw new NotFoundError('customer', customerId);
    return profile;
  }
}
