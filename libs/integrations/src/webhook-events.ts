import type { OrderStatus } from '@boomerang/domain';

/** What a merchant may subscribe an endpoint to (seed 002, "Webhooks"; issue 13, point 6). */
export const WEBHOOK_EVENT_TYPES = [
  'order.created',
  'order.updated',
  'order.paid',
  'order.fulfilled',
  'order.cancelled',
  'order.refunded',
  'customer.subscribed',
  'customer.unsubscribed',
  'message.sent',
  'conversion.recorded',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const PAID: ReadonlySet<OrderStatus> = new Set(['processing', 'completed', 'shipped']);
const FULFILLED: ReadonlySet<OrderStatus> = new Set(['completed', 'shipped']);

/**
 * The events one applied order write raises. A new order is `order.created`, a later one `order.updated`; each also
 * raises the state it newly reached, once: paid (processing, completed or shipped), fulfilled (completed or shipped),
 * cancelled, refunded. An order that arrives already paid and shipped raises created, paid and fulfilled.
 */
export function orderEventTypes(previous: OrderStatus | null, current: OrderStatus): WebhookEventType[] {
  const types: WebhookEventType[] = [previous === null ? 'order.created' : 'order.updated'];
  const reached = (set: ReadonlySet<OrderStatus>) => set.has(current) && (previous === null || !set.has(previous));
  if (reached(PAID)) types.push('order.paid');
  if (reached(FULFILLED)) types.push('order.fulfilled');
  if (current === 'cancelled' && previous !== 'cancelled') types.push('order.cancelled');
  if (current === 'refunded' && previous !== 'refunded') types.push('order.refunded');
  return types;
}
