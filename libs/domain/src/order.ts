export const ORDER_STATUSES = ['pending', 'processing', 'completed', 'shipped', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Only a completed or shipped order counts as a purchase for retention (seed: "when an order is completed or shipped"). */
export function isPurchase(status: OrderStatus): boolean {
  return status === 'completed' || status === 'shipped';
}

export interface OrderLine {
  sku: string;
  name?: string;
  quantity: number;
  price: number;
}
