/** Outgoing webhooks' event types as the merchant reads them (the api lists the types; this only words them). */
const LABELS: Record<string, string> = {
  'order.created': 'Order created',
  'order.updated': 'Order updated',
  'order.paid': 'Order paid',
  'order.fulfilled': 'Order fulfilled',
  'order.cancelled': 'Order cancelled',
  'order.refunded': 'Order refunded',
  'customer.subscribed': 'Customer subscribed',
  'customer.unsubscribed': 'Customer unsubscribed',
  'message.sent': 'Message sent',
  'conversion.recorded': 'Conversion',
};

export function eventLabel(type: string): string {
  return LABELS[type] ?? type;
}
