const DAY_MS = 86_400_000;

/** A customer's counted orders (not cancelled or refunded), as the `customer` row summarises them. */
export interface OrderSummary {
  orderCount: number;
  totalSpentMinor: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

export interface CustomerStats {
  orders: number;
  totalSpentMinor: number;
  /** Rounded to the minor unit; null without orders. */
  averageOrderMinor: number | null;
  /** The mean of the days between consecutive orders; null with fewer than two orders. */
  purchaseFrequencyDays: number | null;
  lastOrderAt: Date | null;
  /** The last order plus the purchase frequency; null without a frequency. */
  predictedNextOrderAt: Date | null;
}

/**
 * The card's figures. The mean of the gaps between consecutive orders telescopes to (last − first) / (n − 1), so the
 * summary's first and last order times are all it needs, however many orders there are.
 */
export function customerStats(summary: OrderSummary): CustomerStats {
  const { orderCount: n, totalSpentMinor, firstOrderAt, lastOrderAt } = summary;
  const frequencyMs = n >= 2 && firstOrderAt && lastOrderAt ? (lastOrderAt.getTime() - firstOrderAt.getTime()) / (n - 1) : null;
  return {
    orders: n,
    totalSpentMinor,
    averageOrderMinor: n > 0 ? Math.round(totalSpentMinor / n) : null,
    purchaseFrequencyDays: frequencyMs === null ? null : Math.round((frequencyMs / DAY_MS) * 100) / 100,
    lastOrderAt,
    predictedNextOrderAt: frequencyMs === null || !lastOrderAt ? null : new Date(lastOrderAt.getTime() + frequencyMs),
  };
}
