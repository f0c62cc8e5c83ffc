import type { FakeShopifyOrder } from './fake-shopify-data.js';

/** What a tracking push sent, as the fake received it (ids as bigints, exact). */
export interface FakeShopifyTrackingPush {
  kind: 'create' | 'update_tracking';
  orderId: bigint;
  fulfillmentId: bigint;
  body: Record<string, unknown>;
}

type Answer = [number, unknown];
type Fulfilment = Record<string, unknown> & { id: bigint; order_id: bigint };

/** Fulfilment orders are derived from the order: one per order, its id the order's plus this. */
const FULFILLMENT_ORDER_OFFSET = 3n;

/** JSON.parse keeping integers beyond 2^53 exact (as bigints), through the reviver's source text. */
export function parseExactJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source) ? BigInt(context.source) : value,
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Shopify's fulfilment-order flow over the fake's orders
 * (https://shopify.dev/docs/api/admin-rest/latest/resources/fulfillmentorder, …/fulfillment): one fulfilment order
 * per order, open until fulfilled; `fulfillments.json` fulfils it with tracking (422 with Shopify's `errors` for a
 * closed or unknown fulfilment order); `update_tracking` changes a fulfilment's tracking. Every push is recorded, and
 * the order's webhooks follow it (`orders/updated`, and `orders/fulfilled` once fulfilled), as on Shopify.
 */
export class FakeShopifyFulfilments {
  readonly pushes: FakeShopifyTrackingPush[] = [];
  private readonly refusals: string[] = [];
  private nextId = 5_120_000_000_000_000_001n;

  /** `changed` is told of each order a push changed (the fake Shopify sends its webhooks, as Shopify does). */
  constructor(
    private readonly orders: FakeShopifyOrder[],
    private readonly changed: (order: FakeShopifyOrder, topics: string[]) => void = () => undefined,
  ) {}

  /** The next fulfilment or tracking update is refused with 422 and this message, as Shopify words its refusals. */
  refuseNext(message: string): void {
    this.refusals.push(message);
  }

  route(method: string, path: string, body: string): Answer | null {
    const listed = /^orders\/(\d+)\/fulfillment_orders\.json$/.exec(path);
    if (method === 'GET' && listed) return this.withOrder(listed[1]!, (order) => [200, { fulfillment_orders: [this.fulfilmentOrder(order)] }]);
    const fulfilments = /^orders\/(\d+)\/fulfillments\.json$/.exec(path);
    if (method === 'GET' && fulfilments) return this.withOrder(fulfilments[1]!, (order) => [200, { fulfillments: order['fulfillments'] ?? [] }]);
    if (method === 'POST' && path === 'fulfillments.json') return this.create(body);
    const update = /^fulfillments\/(\d+)\/update_tracking\.json$/.exec(path);
    if (method === 'POST' && update) return this.updateTracking(BigInt(update[1]!), body);
    return null;
  }

  private withOrder(id: string, answer: (order: FakeShopifyOrder) => Answer): Answer {
    const order = this.orders.find((o) => o.id === BigInt(id));
    return order ? answer(order) : [404, { errors: 'Not Found' }];
  }

  private fulfilmentOrder(order: FakeShopifyOrder): Record<string, unknown> {
    const open = order['fulfillment_status'] !== 'fulfilled' && order.cancelled_at === null;
    const lines = (order['line_items'] as Record<string, unknown>[] | undefined) ?? [];
    return {
      id: order.id + FULFILLMENT_ORDER_OFFSET,
      order_id: order.id,
      status: open ? 'open' : 'closed',
      request_status: 'unsubmitted',
      supported_actions: open ? ['create_fulfillment', 'move'] : [],
      assigned_location_id: 24826418n,
      line_items: lines.map((l, i) => ({
        id: order.id + FULFILLMENT_ORDER_OFFSET + BigInt(i + 1) * 10n,
        fulfillment_order_id: order.id + FULFILLMENT_ORDER_OFFSET,
        line_item_id: l['id'],
        quantity: l['quantity'],
        fulfillable_quantity: open ? l['quantity'] : 0,
      })),
    };
  }

  private parse(body: string): Record<string, unknown> | null {
    try {
      const parsed = parseExactJson(body);
      return isObject(parsed) && isObject(parsed['fulfillment']) ? parsed : null;
    } catch {
      return null;
    }
  }

  private create(text: string): Answer {
    const body = this.parse(text);
    if (!body) return [400, { errors: { fulfillment: 'Required parameter missing or invalid' } }];
    const input = body['fulfillment'] as Record<string, unknown>;
    const groups = Array.isArray(input['line_items_by_fulfillment_order']) ? input['line_items_by_fulfillment_order'] : [];
    if (groups.length === 0) return [400, { errors: { line_items_by_fulfillment_order: 'Required parameter missing or invalid' } }];
    const refusal = this.refusals.shift();
    if (refusal) return [422, { errors: [refusal] }];
    let order: FakeShopifyOrder | undefined;
    for (const group of groups) {
      const foId = isObject(group) ? group['fulfillment_order_id'] : undefined;
      const owner = this.orders.find((o) => typeof foId === 'bigint' || typeof foId === 'number' ? o.id + FULFILLMENT_ORDER_OFFSET === BigInt(foId) : false);
      if (!owner) return [404, { errors: 'Not Found' }];
      if (this.fulfilmentOrder(owner)['status'] !== 'open') return [422, { errors: [`Fulfillment order ${String(foId)} has an unfulfillable status= closed.`] }];
      order = owner;
    }
    const fulfilment = this.fulfilment(order!, input['tracking_info']);
    order!['fulfillments'] = [...((order!['fulfillments'] as Fulfilment[] | undefined) ?? []), fulfilment];
    order!['fulfillment_status'] = 'fulfilled';
    order!['updated_at'] = new Date().toISOString();
    this.pushes.push({ kind: 'create', orderId: order!.id, fulfillmentId: fulfilment.id, body });
    this.changed(order!, ['orders/updated', 'orders/fulfilled']);
    return [201, { fulfillment: fulfilment }];
  }

  private updateTracking(id: bigint, text: string): Answer {
    const body = this.parse(text);
    if (!body) return [400, { errors: { fulfillment: 'Required parameter missing or invalid' } }];
    const order = this.orders.find((o) => ((o['fulfillments'] as Fulfilment[] | undefined) ?? []).some((f) => BigInt(f.id) === id));
    if (!order) return [404, { errors: 'Not Found' }];
    const refusal = this.refusals.shift();
    if (refusal) return [422, { errors: [refusal] }];
    const list = order['fulfillments'] as Fulfilment[];
    const at = list.findIndex((f) => BigInt(f.id) === id);
    const updated = { ...this.fulfilment(order, (body['fulfillment'] as Record<string, unknown>)['tracking_info']), id: BigInt(list[at]!.id) };
    list[at] = updated;
    order['updated_at'] = new Date().toISOString();
    this.pushes.push({ kind: 'update_tracking', orderId: order.id, fulfillmentId: updated.id, body });
    this.changed(order, ['orders/updated']);
    return [200, { fulfillment: updated }];
  }

  private fulfilment(order: FakeShopifyOrder, trackingInfo: unknown): Fulfilment {
    const t = isObject(trackingInfo) ? trackingInfo : {};
    const number = typeof t['number'] === 'string' ? t['number'] : null;
    const url = typeof t['url'] === 'string' ? t['url'] : null;
    return {
      id: this.nextId++,
      order_id: order.id,
      status: 'success',
      created_at: new Date().toISOString(),
      service: 'manual',
      tracking_company: typeof t['company'] === 'string' ? t['company'] : null,
      tracking_number: number,
      tracking_numbers: number ? [number] : [],
      tracking_url: url,
      tracking_urls: url ? [url] : [],
      line_items: order['line_items'] ?? [],
    };
  }
}
