import { NotFoundError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { isUuid } from '@boomerang/validation';
import { encodeOrderCursor, orderCursorFor, type OrderListQuery } from './order-queries.js';
import { OrderTimelineRepository, type OrderTimelineRow } from './order-timeline.repository.js';
import { OrderTrackingRepository, type OrderTrackingRow } from './order-tracking.repository.js';
import { OrdersRepository, type OrderDetailRow, type OrderItemRow, type OrderListRow } from './orders.repository.js';

export interface OrderPage {
  items: Omit<OrderListRow, 'placedAtKey'>[];
  total: number;
  nextCursor: string | null;
}

export interface OrderDetail {
  order: OrderDetailRow;
  items: OrderItemRow[];
  /** Tracking numbers the merchant added here (the platform's own are on the order row). */
  tracking: OrderTrackingRow[];
}

/** The orders list, an order's detail and its timeline. */
export class OrdersService {
  async list(em: EntityManager, storeId: string, query: OrderListQuery): Promise<OrderPage> {
    const repository = new OrdersRepository(em);
    const filter = { term: query.q?.trim() || undefined, status: query.status, from: query.from, to: query.to, customerId: query.customer };
    if (filter.customerId && !(await repository.hasCustomer(storeId, filter.customerId))) throw new NotFoundError('customer', filter.customerId);
    const rows = await repository.page(storeId, filter, { sort: query.sort, limit: query.limit, cursor: orderCursorFor(query) });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ placedAtKey: _, ...row }) => row),
      total: await repository.count(storeId, filter),
      nextCursor: rows.length > query.limit && last ? encodeOrderCursor({ sort: query.sort, placedAt: last.placedAtKey, id: last.id }) : null,
    };
  }

  async detail(em: EntityManager, storeId: string, orderId: string): Promise<OrderDetail> {
    const repository = new OrdersRepository(em);
    const order = await this.order(repository, storeId, orderId);
    const [items, tracking] = [await repository.items(storeId, order.id), await new OrderTrackingRepository(em).list(storeId, order.id)];
    return { order, items, tracking };
  }

  async timeline(em: EntityManager, storeId: string, orderId: string): Promise<OrderTimelineRow[]> {
    const order = await this.order(new OrdersRepository(em), storeId, orderId);
    return new OrderTimelineRepository(em).entries(storeId, order.id);
  }

  /** Another store's order is as unknown as one that does not exist. */
  private async order(repository: OrdersRepository, storeId: string, orderId: string): Promise<OrderDetailRow> {
    const order = isUuid(orderId) ? await repository.detail(storeId, orderId) : null;
    if (!order) throw new NotFoundError('order', orderId);
    return order;
  }
}
